"""The gate in front of a language model: the model decides, unless the context holds nothing about the question."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.retrieval.generators.conftest import answering_with
from tests.retrieval.generators.contexts import ALBANIA, context
from trellis.kg.settings import Settings
from trellis.retrieval import Answer, AnswerOptions, Retriever
from trellis.retrieval.generators import NOT_IN_GRAPH, AnswerabilityGate, ExtractiveGenerator, make_generator
from trellis.retrieval.generators.gate import NO_SUPPORT

DECLINED = ("What is the population of Albania?", "Who founded Albania?", "Which river flows through Tirana?")
"""Questions whose context holds their names but no answer the extractive generator accepts."""


def test_a_supported_question_passes() -> None:
    question = "What is the capital of Albania?"
    assert AnswerabilityGate().check(question, context(question), entities=[ALBANIA]) is None


def test_a_question_the_extractive_generator_declines_still_reaches_the_model() -> None:
    for question in DECLINED:
        support = ExtractiveGenerator().generate(question, context(question), entities=[ALBANIA])
        assert not support.answerable and support.score > NO_SUPPORT
        assert AnswerabilityGate().check(question, context(question), entities=[ALBANIA]) is None


def test_a_context_that_holds_nothing_about_the_question_is_not_in_the_graph() -> None:
    empty = context("What is the capital of Albania?", passages=(), facts=())
    for question, ctx in [
        ("Who won the 1987 Tour de France?", context("Who won the 1987 Tour de France?")),  # names it never holds
        ("???", context("???")),  # nothing asked
        ("What is the capital of Albania?", empty),  # nothing to cite
    ]:
        refusal = AnswerabilityGate().check(question, ctx)
        assert refusal is not None and not refusal.answerable and refusal.text == NOT_IN_GRAPH
    assert AnswerabilityGate(floor=None).check("Who won the 1987 Tour de France?", context("Tour")) is None
    assert AnswerabilityGate(floor=None).check("What is the capital of Albania?", empty) is not None


def test_the_floor_decides() -> None:
    question = "What is the capital city of Albania?"  # "city" is in no passage or fact: support 2/3
    assert AnswerabilityGate(floor=0.6).check(question, context(question), entities=[ALBANIA]) is None
    refusal = AnswerabilityGate(floor=0.9).check(question, context(question), entities=[ALBANIA])
    assert refusal is not None and refusal.text == NOT_IN_GRAPH and 0.6 < refusal.score <= 0.9


@pytest.mark.slow
def test_the_retriever_asks_the_model_where_the_extractive_generator_declines(
    retriever: Retriever, lm_settings: Settings, openai_server: tuple[str, FastAPI]
) -> None:
    """Over the real graph and the packaged model behind an OpenAI-compatible server: a question the extractive
    generator declines, its names in the context, reaches the model; one about nothing the graph holds does not."""
    options = AnswerOptions(k=3, token_budget=256)
    declined = [a for a in (retriever.answer(q, options) for q in DECLINED) if not a.answerable and a.score > 0]
    assert declined and all(a.model == "extractive" for a in declined)  # the session's retriever is extractive
    question = declined[0].question
    url, app = openai_server
    settings = lm_settings.model_copy(update={"generator": "openai", "openai_base_url": url, "openai_model": "smollm2"})
    before = app.state.calls
    with answering_with(retriever, make_generator(settings)):
        asked = retriever.answer(question, options)
        *_, streamed = retriever.stream_answer(question, options)
        assert app.state.calls == before + 2, "the model answered both times, nothing pre-empted it"
        unknown = retriever.answer("Who won the 1987 Tour de France?", options)
        assert app.state.calls == before + 2 and not unknown.answerable and unknown.text == NOT_IN_GRAPH
    assert asked.model == "openai:smollm2" and isinstance(streamed, Answer) and streamed.model == "openai:smollm2"
    assert asked.answerable == streamed.answerable and asked.text == streamed.text
