"""One retriever serves many threads at once (the API answers concurrent requests with it)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from trellis.retrieval import Retriever

QUESTIONS = [
    "What is the capital of Albania?",
    "Who won the 1987 Tour de France?",
    "Where is Tirana?",
    "What did Alain Connes study?",
]


def test_concurrent_answers_neither_fail_nor_differ_from_serial_ones(retriever: Retriever) -> None:
    serial = {question: retriever.answer(question).text for question in QUESTIONS}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda question: (question, retriever.answer(question).text), QUESTIONS * 4))
    assert len(answers) == len(QUESTIONS) * 4
    assert all(text == serial[question] for question, text in answers)
