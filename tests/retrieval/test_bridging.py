"""The second hop over prose: what a bridge passage must complete."""

from __future__ import annotations

from trellis.retrieval.bridging import asked_part


def test_a_question_that_first_describes_its_subject_asks_in_its_last_sentence() -> None:
    question = "UNITA bought weapons in Bulgaria and one other European country. What is that other country's capital?"
    assert asked_part(question) == "What is that other country's capital?"


def test_a_question_of_one_sentence_asks_all_of_it() -> None:
    question = "In which town was the president born who gave the Gettysburg Address?"
    assert asked_part(question) == question
