"""The entry point on the real graph: a known fact with citations that exist, an absent fact, bad input."""

from __future__ import annotations

import importlib

import pytest

import trellis.retrieval
from trellis.kg.errors import TrellisError
from trellis.retrieval import (
    NOT_IN_GRAPH,
    AnswerOptions,
    EmptyQuestionError,
    QuestionTooLongError,
    Retriever,
    answer,
    retrieve,
)

STAGES = {"mentions", "embed", "link", "search", "expand", "rank", "context", "generate", "total"}


def test_a_known_fact_is_answered_with_citations_that_exist(retriever: Retriever) -> None:
    result = answer("What is the capital of Albania?", retriever=retriever)
    assert result.answerable and result.model == "extractive"
    assert result.text.startswith("Tirana") and "[1]" in result.text
    rows = retriever.store.query("retrieval_chunks", ids=result.chunk_ids)
    assert result.chunk_ids and {row["id"] for row in rows} == set(result.chunk_ids)
    assert set(result.document_ids) == {row["document_id"] for row in rows}
    assert any("Tirana is the capital of Albania" in row["text"] for row in rows)
    assert [(r.subject, r.predicate, r.object) for r in result.relations] == [("Tirana", "CAPITAL_OF", "Albania")]
    assert result.relations[0].evidence[0].chunk_id in result.chunk_ids
    names = {node.name for node in result.subgraph.nodes if node.kind == "entity"}
    assert {"Tirana", "Albania"} <= names
    assert any(edge.type == "CAPITAL_OF" and edge.evidence for edge in result.subgraph.edges)
    assert set(result.timings) >= STAGES and all(t >= 0 for t in result.timings.values())
    assert "[1]" in result.context and result.entities[0].name == "Albania"


def test_a_two_hop_question_is_answered_through_the_capital(retriever: Retriever) -> None:
    result = retriever.answer("Which river flows through the capital of Serbia?")
    assert result.answerable and result.text.startswith("Danube")
    assert {r.predicate for r in result.relations} == {"CAPITAL_OF", "FLOWS_THROUGH"}


@pytest.mark.parametrize("question", ["What is the capital of Japan?", "What is the currency of Montenegro?"])
def test_an_absent_fact_is_not_in_the_graph(retriever: Retriever, question: str) -> None:
    result = retriever.answer(question)
    assert not result.answerable and result.text == NOT_IN_GRAPH
    assert "not in the graph" in result.text.lower()
    assert result.citations == [] and result.relations == []


def test_retrieve_returns_at_most_k_passages(retriever: Retriever) -> None:
    found = retrieve("Tell me about Albania", 3, retriever=retriever)
    assert 0 < len(found.passages) <= 3 and all(p.text for p in found.passages)
    assert {"link", "search", "expand", "rank"} <= set(found.timings)


@pytest.mark.parametrize("question", ["", "   ", "\n\t ", "\x00\x01"])
def test_an_empty_question_is_refused(retriever: Retriever, question: str) -> None:
    with pytest.raises(EmptyQuestionError, match="empty"):
        retriever.answer(question)
    assert issubclass(EmptyQuestionError, TrellisError)


def test_a_huge_question_is_refused_clearly(retriever: Retriever) -> None:
    with pytest.raises(QuestionTooLongError, match="102,400 characters long; the limit is 2,000"):
        retriever.answer("a" * 102_400)
    assert issubclass(QuestionTooLongError, TrellisError)


@pytest.mark.parametrize(
    "question",
    [
        "阿尔巴尼亚的首都是什么？",  # noqa: RUF001
        "ما هي عاصمة ألبانيا؟",
        "MATCH (n) DETACH DELETE n",
        "'}) RETURN 1 UNION MATCH (n) RETURN n //",
        'name:(a OR b)~ "x AND NOT [1 TO 5] \\',
        "??? !!! ***",
        "Albania " * 200,
    ],
)
def test_other_scripts_and_query_syntax_never_crash(retriever: Retriever, question: str) -> None:
    result = retriever.answer(question, AnswerOptions(k=3))
    assert result.text and isinstance(result.answerable, bool)
    assert retriever.store.query("retrieval_entity_fulltext", query="Tirana", limit=1), "the graph is intact"


def test_public_names_are_deliberate() -> None:
    for module in (
        "trellis.retrieval",
        "trellis.retrieval.generators",
        "trellis.retrieval.types",
        "trellis.retrieval.errors",
    ):
        loaded = importlib.import_module(module)
        assert len(set(loaded.__all__)) == len(loaded.__all__), module  # ruff (RUF022) keeps the order
        assert all(hasattr(loaded, name) for name in loaded.__all__)
    assert "answer" in trellis.retrieval.__all__ and "build_context" in trellis.retrieval.__all__
    errors = importlib.import_module("trellis.retrieval.errors")
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), TrellisError) and name in (errors.__doc__ or "")


def test_a_generator_that_cannot_stream_yields_its_whole_text_then_the_answer(retriever: Retriever) -> None:
    *pieces, final = retriever.stream_answer("What is the capital of Albania?")
    assert isinstance(final, trellis.retrieval.Answer) and pieces == [final.text]
    assert final.answerable and final.text.startswith("Tirana") and final.model == "extractive"
    *refusal, absent = retriever.stream_answer("Who won the 1987 Tour de France?")
    assert refusal == [NOT_IN_GRAPH] and isinstance(absent, trellis.retrieval.Answer) and not absent.answerable
