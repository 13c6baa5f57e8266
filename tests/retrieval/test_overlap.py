"""Linking beside searching (retrieval/overlap.py) finds what the same stages find in turn, and a failed linking
leaves no search running."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from trellis.kg.errors import TrellisError
from trellis.retrieval import AnswerOptions, Retriever
from trellis.retrieval.overlap import in_turn, link_beside_search

CHAINS = {"mentions", "link", "entity_neighbourhood", "embed", "search", "bridge", "passage_neighbourhood"}


@pytest.mark.parametrize(
    "question", ["What is the capital of Albania?", "Which river flows through the capital of Serbia?", "rivers"]
)
def test_side_by_side_finds_what_in_turn_finds(retriever: Retriever, question: str) -> None:
    stages = retriever._stages(question, AnswerOptions())
    beside: dict[str, float] = {}
    alone: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert link_beside_search(pool, stages, beside) == in_turn(stages, alone)
    assert set(beside) == set(alone) == CHAINS


def test_a_failed_linking_is_raised_and_reports_no_timings(retriever: Retriever) -> None:
    class Broken(TrellisError):
        pass

    class BrokenLinker:
        def mentions(self, question: str) -> list[str]:
            raise Broken("no mentions today")

    stages = dataclasses.replace(retriever._stages("Where is Tirana?", AnswerOptions()), linker=BrokenLinker())
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(Broken):
        link_beside_search(pool, stages, timings)
    assert not timings, "nothing is reported of a retrieval that failed"
