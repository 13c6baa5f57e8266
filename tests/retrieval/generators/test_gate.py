"""The answerability gate lets a question through only when the context supports an answer."""

from __future__ import annotations

from retrieval.generators import NOT_IN_GRAPH, AnswerabilityGate
from tests.retrieval.generators.contexts import ALBANIA, context


def test_a_supported_question_passes() -> None:
    question = "What is the capital of Albania?"
    assert AnswerabilityGate().check(question, context(question), entities=[ALBANIA]) is None


def test_an_unsupported_question_is_not_in_the_graph() -> None:
    for question, entities in [
        ("Who won the 1987 Tour de France?", []),
        ("What is the population of Albania?", [ALBANIA]),
        ("???", []),
    ]:
        refusal = AnswerabilityGate().check(question, context(question), entities=entities)
        assert refusal is not None and not refusal.answerable and refusal.text == NOT_IN_GRAPH


def test_the_threshold_decides() -> None:
    question = "What is the capital city of Albania?"  # "city" is in no passage or fact: support 2/3
    assert AnswerabilityGate(threshold=0.6).check(question, context(question), entities=[ALBANIA]) is None
    assert AnswerabilityGate(threshold=0.9).check(question, context(question), entities=[ALBANIA]) is not None
