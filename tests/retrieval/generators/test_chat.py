"""The chat-model generator over real HTTP: an OpenAI-compatible server (uvicorn) answering with the packaged model,
reached through langchain-openai, streamed as server-sent events; clear errors when it cannot be reached."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from langchain_openai import ChatOpenAI

from tests.retrieval.generators.conftest import answering_with
from tests.retrieval.generators.contexts import BALKANS, context
from tests.support import free_port, outcome_within, silent_endpoint
from trellis.kg.errors import ConfigurationError
from trellis.kg.settings import Settings
from trellis.retrieval import Answer, AnswerOptions, Retriever
from trellis.retrieval.errors import ChatModelError
from trellis.retrieval.generators import ChatModelGenerator, StreamingGenerator, make_generator
from trellis.retrieval.generators.prompts import PROMPT_RESERVE

QUESTION = "What is the capital of Albania?"


@pytest.mark.slow
def test_the_endpoint_streams_its_answer_through_the_retriever(
    retriever: Retriever, lm_settings: Settings, openai_server: tuple[str, FastAPI]
) -> None:
    settings = lm_settings.model_copy(
        update={"generator": "openai", "openai_base_url": openai_server[0], "openai_model": "smollm2"}
    )
    generator = make_generator(settings)
    assert isinstance(generator, ChatModelGenerator) and isinstance(generator, StreamingGenerator)
    assert generator.name == "openai:smollm2"
    with answering_with(retriever, generator):
        *pieces, final = retriever.stream_answer(QUESTION, AnswerOptions(k=3, token_budget=256))
    assert len(pieces) >= 3 and all(isinstance(piece, str) for piece in pieces)  # token by token over SSE
    assert isinstance(final, Answer) and final.answerable and final.model == "openai:smollm2" and final.citations


@pytest.mark.slow
def test_any_langchain_chat_model_answers(openai_server: tuple[str, FastAPI]) -> None:
    model = ChatOpenAI(model="smollm2", base_url=openai_server[0], api_key="test-key", max_completion_tokens=8)  # type: ignore[arg-type]
    generator = ChatModelGenerator(Settings(), chat_model=model, label="langchain:smollm2")
    ctx = context(QUESTION, passages=(BALKANS,))
    generation = generator.generate(QUESTION, ctx)
    assert generator.name == "langchain:smollm2" and generation.answerable and generation.citations == [1]


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    settings = Settings(generator="openai", openai_base_url=f"http://127.0.0.1:{free_port()}/v1", openai_model="m")
    generator = make_generator(settings)
    with pytest.raises(ChatModelError, match=r"openai:m failed: \w*ConnectionError: Connection error"):
        generator.generate(QUESTION, context(QUESTION))


def test_a_silent_endpoint_times_out_instead_of_holding_the_answer() -> None:
    with silent_endpoint() as url:
        settings = Settings(generator="openai", openai_base_url=url, openai_model="m", llm_timeout_s=1.0)
        generator = make_generator(settings)
        failure = outcome_within(lambda: generator.generate(QUESTION, context(QUESTION)), 60)  # not ten minutes
    assert isinstance(failure, ChatModelError) and "Timeout" in str(failure), failure


def test_missing_settings_are_clear_errors() -> None:
    with pytest.raises(ConfigurationError, match="TRELLIS_OPENAI_API_KEY"):
        make_generator(Settings(generator="openai", openai_api_key=None, openai_base_url=None))
    with pytest.raises(ConfigurationError, match="TRELLIS_CHAT_MODEL"):
        make_generator(Settings(generator="langchain", chat_model=None))
    with pytest.raises(ConfigurationError, match="cannot be built"):
        make_generator(Settings(generator="langchain", chat_model="no-such-provider:model"))


def test_a_silent_langchain_model_times_out_instead_of_holding_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``langchain`` generator's model gets ``llm_timeout_s`` and one retry too, not its provider's defaults."""
    with silent_endpoint() as url:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_API_BASE", url)
        generator = make_generator(Settings(generator="langchain", chat_model="openai:m", llm_timeout_s=1.0))
        failure = outcome_within(lambda: generator.generate(QUESTION, context(QUESTION)), 60)
    assert isinstance(failure, ChatModelError) and "Timeout" in str(failure), failure


def test_the_context_fits_the_window_the_settings_give_a_remote_model(retriever: Retriever) -> None:
    unknown = make_generator(Settings(generator="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="m"))
    assert not hasattr(unknown, "context_tokens")  # the request's tokenBudget alone bounds the context
    settings = Settings(
        generator="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="m", llm_context_window=1024
    )
    generator = make_generator(settings)
    room = 1024 - settings.llm_max_new_tokens - PROMPT_RESERVE
    assert getattr(generator, "context_tokens", None) == room
    with answering_with(retriever, generator):  # the retriever fits the context before the model is called
        _, fitted, _ = retriever._context(QUESTION, AnswerOptions(k=8, token_budget=4096))
    with answering_with(retriever, unknown):
        _, budgeted, _ = retriever._context(QUESTION, AnswerOptions(k=8, token_budget=4096))
    assert fitted.tokens <= room < budgeted.tokens
