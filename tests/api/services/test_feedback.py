"""Ratings through the service against the real graph, and the one set of rules for what a rating may say: bad
ids, ratings, empty or oversized corrections are refused before any work, an unknown answer is a clear error."""

from __future__ import annotations

import uuid

import pytest

from trellis.api.errors import InvalidArgumentError, NotFoundError
from trellis.api.services.answers import AnswerLog, answers_by_ids
from trellis.api.services.feedback import checked_rating, feedback_page, rate_answer
from trellis.kg.graph import GraphStore
from trellis.retrieval import Answer

ANSWER = Answer(question="Who mapped Quorvath?", text="Ida Brenn [1]", answerable=True, model="extractive")


@pytest.mark.parametrize(
    ("answer_id", "rating", "correction", "problem"),
    [
        ("", "UP", None, "not an answer id"),
        ("ans-1234", "UP", None, "not an answer id"),
        ("ans-" + "g" * 32, "UP", None, "not an answer id"),
        ("ans-" + "0" * 32 + "' OR 1=1 //", "UP", None, "not an answer id"),
        ("x" * 10_000, "UP", None, "not an answer id"),
        ("ans-" + "0" * 32, "MAYBE", None, "UP or DOWN"),
        ("ans-" + "0" * 32, "DOWN", "", "'correction' is empty"),
        ("ans-" + "0" * 32, "DOWN", " \n\t ", "'correction' is empty"),
        ("ans-" + "0" * 32, "DOWN", "x" * 100_000, "100,000 characters; the limit is 4,000"),
        ("ans-" + "0" * 32, "UP", "Tirana", "a correction goes with a DOWN"),
    ],
)
def test_bad_ratings_are_refused_with_what_to_fix(
    answer_id: str, rating: str, correction: str | None, problem: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=problem) as refused:
        checked_rating(answer_id, rating, correction=correction, most=4_000)
    assert len(str(refused.value)) < 300, "a long id or text is not echoed back whole"


def test_ratings_are_read_case_insensitively_and_trimmed() -> None:
    checked = checked_rating("chatcmpl-" + "a" * 32, " down ", correction="  Tirana ", comment="wrong city", most=100)
    assert (checked.rating, checked.correction, checked.comment) == ("DOWN", "Tirana", "wrong city")


def test_a_rating_lands_on_its_answer_and_the_latest_wins(store: GraphStore) -> None:
    log = AnswerLog(store, store.settings)
    answer_id = log.record(ANSWER, interface="chat", key_name="key-30c-read:aa")  # queued: the rating flushes it
    assert answer_id is not None
    first = rate_answer(
        store, log, checked_rating(answer_id, "UP", most=100), interface="chat", key_name="r", key_id="r"
    )
    assert (first.answer_id, first.rating, first.model) == (answer_id, "UP", "extractive")
    fix = checked_rating(answer_id, "DOWN", correction="Ida Brenn and Tomas Ek", comment="two", most=100)
    second = rate_answer(store, log, fix, interface="graphql", key_name="w", key_id="w")
    assert second.id != first.id and second.correction == "Ida Brenn and Tomas Ek"
    [logged] = answers_by_ids(store, [answer_id])
    assert (logged.rating, logged.correction, logged.comment, logged.ratings) == ("DOWN", fix.correction, "two", 2)
    listed = feedback_page(store, log, rating="DOWN", corrected=True, limit=50)
    assert any(entry.feedback.id == second.id and entry.answer.id == answer_id for entry in listed)
    assert all(entry.feedback.rating == "DOWN" for entry in listed)
    log.close()


def test_a_rating_for_an_answer_never_logged_is_a_clear_not_found(store: GraphStore) -> None:
    log = AnswerLog(store, store.settings)
    forged = f"ans-{uuid.uuid4().hex}"
    with pytest.raises(NotFoundError, match=r"no answer with id .* is logged"):
        rate_answer(store, log, checked_rating(forged, "UP", most=100), interface="chat", key_name="r", key_id="r")
    assert store.run_text("MATCH (f:Feedback) WHERE f.key_name = 'r' AND NOT (f)-[:ON]->() RETURN f") == []
