"""Comparison questions: the option that a value of each, read from the context, decides."""

from __future__ import annotations

import pytest

from tests.retrieval.generators.contexts import context
from trellis.retrieval.generators.comparison import compare, options_of
from trellis.retrieval.types import Passage


def _page(title: str, text: str) -> Passage:
    return Passage(chunk_id=f"doc-{title}:0", document_id=f"doc-{title}", title=title, text=text)


RAND = _page("Ayn Rand", "Ayn Rand (February 2, 1905 \u2013 March 6, 1982) was a Russian-born American novelist.")
HUXLEY = _page("Aldous Huxley", "Aldous Huxley (26 July 1894 \u2013 22 November 1963) was an English writer.")
ALBERTA = _page(
    "Alberta", "With an estimated population of 4,196,457, Alberta is Canada's fourth-most populous province."
)
ALASKA = _page("Alaska", "Alaska has a population of 731,449 people.")


@pytest.mark.parametrize(
    ("question", "options"),
    [
        ("Who was born first, Ayn Rand or Aldous Huxley?", ("Ayn Rand", "Aldous Huxley")),
        ("Which came first: the ratification, or the siege of Yorktown?", ("ratification", "siege of Yorktown")),
        ("Who wrote Atlas Shrugged?", None),
    ],
)
def test_options_are_the_two_the_question_names(question: str, options: tuple[str, str] | None) -> None:
    assert options_of(question) == options


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Who was born first, Ayn Rand or Aldous Huxley?", "Aldous Huxley"),
        ("Who died last, Ayn Rand or Aldous Huxley?", "Ayn Rand"),
    ],
)
def test_a_lifespan_gives_the_birth_or_the_death_year(question: str, answer: str) -> None:
    found = compare(question, context(question, (RAND, HUXLEY), ()))
    assert found is not None and found.answer == answer
    assert {number for _, number in found.evidence} == {1, 2}  # both sentences are cited


def test_the_larger_number_answers_more() -> None:
    question = "Which has more residents, Alberta or Alaska?"
    found = compare(question, context(question, (ALBERTA, ALASKA), ()))
    assert found is not None and found.answer == "Alberta" and "4,196,457" in found.evidence[0][0]


def test_no_value_for_an_option_decides_nothing() -> None:
    question = "Which has more residents, Alberta or Alaska?"
    assert compare(question, context(question, (ALBERTA,), ())) is None
