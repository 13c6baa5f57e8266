"""Every generator says "not in the graph" for a question the corpus cannot answer (without calling a model), and
still answers, with citations that exist in Neo4j, a question it can."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from kg.settings import Settings
from retrieval import NOT_IN_GRAPH, AnswerOptions, Retriever
from retrieval.generators import ChatModelGenerator, ExtractiveGenerator, Generator, LocalLMGenerator, make_generator
from tests.retrieval.generators.conftest import answering_with

ABSENT = "Who won the 1987 Tour de France?"
PRESENT = "What is the capital of Albania?"
SHORT = AnswerOptions(k=3, token_budget=256)  # a short prompt: the model reads it on two CPU cores
KINDS = ["extractive", "local", "openai", "langchain"]


@pytest.fixture
def generator(
    request: pytest.FixtureRequest,
    lm_settings: Settings,
    causal_lm: tuple[Any, Any],
    openai_server: tuple[str, FastAPI],
    monkeypatch: pytest.MonkeyPatch,
) -> Generator:
    kind = request.param
    if kind == "local":
        return LocalLMGenerator(lm_settings, model=causal_lm[0], tokenizer=causal_lm[1])
    url = openai_server[0]
    if kind == "langchain":  # langchain-openai reads the endpoint from the environment, as its users set it
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", url)
    settings = lm_settings.model_copy(
        update={"generator": kind, "openai_base_url": url, "openai_model": "smollm2", "chat_model": "openai:smollm2"}
    )
    return make_generator(settings)


@pytest.mark.slow
@pytest.mark.parametrize("generator", KINDS, indirect=True)
def test_an_absent_fact_is_not_in_the_graph_for_every_generator(
    retriever: Retriever, generator: Generator, openai_server: tuple[str, FastAPI]
) -> None:
    calls = openai_server[1].state.calls
    with answering_with(retriever, generator):
        result = retriever.answer(ABSENT, SHORT)
    assert not result.answerable and result.text == NOT_IN_GRAPH and result.model == generator.name
    assert result.citations == [] and result.relations == [] and result.chunk_ids == []
    assert openai_server[1].state.calls == calls  # the gate answered: no model was asked


@pytest.mark.slow
@pytest.mark.parametrize("generator", KINDS, indirect=True)
def test_an_answerable_question_is_answered_by_every_generator(
    retriever: Retriever, generator: Generator, openai_server: tuple[str, FastAPI]
) -> None:
    calls = openai_server[1].state.calls
    with answering_with(retriever, generator):
        result = retriever.answer(PRESENT, SHORT)
    assert result.answerable and result.text != NOT_IN_GRAPH and result.model == generator.name
    assert result.citations and all(f"[{c.number}]" in result.text for c in result.citations)
    rows = retriever.store.query("retrieval_chunks", ids=result.chunk_ids)
    assert {row["id"] for row in rows} == set(result.chunk_ids)
    asked = 1 if isinstance(generator, ChatModelGenerator) else 0
    assert openai_server[1].state.calls == calls + asked
    if isinstance(generator, ExtractiveGenerator):
        assert result.text.startswith("Tirana")
