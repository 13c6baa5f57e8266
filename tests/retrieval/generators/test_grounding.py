"""A model's text becomes a cited answer: its own marks, else the passages that hold its words, else the top one."""

from __future__ import annotations

from tests.retrieval.generators.contexts import RIVERS, context
from trellis.retrieval.generators import NOT_IN_GRAPH
from trellis.retrieval.generators.grounding import ground, span_citations

QUESTION = "What is the capital of Albania?"


def test_the_models_own_citations_are_kept() -> None:
    generation = ground("Tirana is the capital [1].", context(QUESTION))
    assert generation.answerable and generation.text == "Tirana is the capital [1]." and generation.citations == [1]
    assert [f.predicate for f in generation.facts] == ["CAPITAL_OF"]


def test_citations_outside_the_context_are_dropped() -> None:
    generation = ground("Tirana [9]", context(QUESTION))
    assert generation.citations == [1] and generation.text == "Tirana [1]"


def test_an_uncited_answer_cites_the_passages_holding_its_span() -> None:
    ctx = context("Which river flows through Belgrade?")
    generation = ground("The answer is: the Danube.", ctx)
    assert generation.citations == [2] and generation.text == "The answer is: the Danube. [2]"
    assert span_citations("Belgrade", ctx) == [1, 2]
    assert generation.facts == []  # the answer names no fact's entity


def test_an_answer_no_passage_holds_cites_the_top_passage() -> None:
    generation = ground("Skanderbeg Square", context(QUESTION, passages=(RIVERS,), facts=()))
    assert generation.answerable and generation.citations == [1] and generation.text == "Skanderbeg Square [1]"


def test_abstentions_and_empty_contexts_are_not_in_the_graph() -> None:
    for text, ctx in [
        ("Not in the graph.", context(QUESTION)),
        ("   ", context(QUESTION)),
        ("Tirana", context(QUESTION, passages=(), facts=())),
    ]:
        generation = ground(text, ctx)
        assert not generation.answerable and generation.text == NOT_IN_GRAPH and generation.citations == []
