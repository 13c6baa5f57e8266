"""The answer log against the real graph: answers become (:Answer) nodes citing their chunks, the question can be
kept as a hash only, retention removes old unrated answers, deleting a document marks citations gone, and closing
the log writes what is queued."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from trellis.api.errors import NotFoundError
from trellis.api.services.answers import AnswerLog, answer_page, answers_by_ids, prune_answers
from trellis.api.services.feedback import checked_rating, rate_answer
from trellis.api.services.ingest import Ingestion, NewDocument
from trellis.kg.graph import GraphStore
from trellis.retrieval import AnswerOptions, Retriever

QUESTION = "What is the capital of Albania?"


def _cited(store: GraphStore, answer_id: str) -> list[str]:
    rows = store.run_text("MATCH (:Answer {id: $id})-[:CITES]->(c:Chunk) RETURN c.id AS id", {"id": answer_id})
    return sorted(row["id"] for row in rows)


def test_an_answer_is_logged_with_its_citations_model_settings_and_entities(retriever: Retriever) -> None:
    answer = retriever.answer(QUESTION)
    log = AnswerLog(retriever.store, retriever.settings)
    options = AnswerOptions(k=5, hops=1)
    answer_id = log.record(answer, interface="graphql", key_name="key-30c-read:0123abcd", options=options)
    assert answer_id is not None and answer_id.startswith("ans-") and len(answer_id) == 36
    log.close()

    [logged] = answers_by_ids(retriever.store, [answer_id])
    assert (logged.question, logged.text, logged.model) == (QUESTION, answer.text, answer.model)
    assert (logged.interface, logged.key_name, logged.answerable) == ("graphql", "key-30c-read:0123abcd", True)
    assert logged.question_sha256 == hashlib.sha256(QUESTION.encode()).hexdigest()
    assert [(c.number, c.chunk_id) for c in logged.citations] == [(c.number, c.chunk_id) for c in answer.citations]
    assert not any(c.gone for c in logged.citations)
    assert logged.retrieval["k"] == 5 and logged.retrieval["hops"] == 1 and logged.retrieval["generator"]
    assert logged.timings == pytest.approx(answer.timings)
    assert logged.rating is None and logged.ratings == 0
    assert _cited(retriever.store, answer_id) == sorted({c.chunk_id for c in answer.citations})
    used = retriever.store.run_text(
        "MATCH (:Answer {id: $id})-[:USES]->(e:Entity) RETURN e.name AS name", {"id": answer_id}
    )
    assert {"Tirana", "Albania"} <= {row["name"] for row in used}


def test_the_question_can_be_kept_as_a_hash_only(retriever: Retriever) -> None:
    settings = retriever.settings.model_copy(update={"answer_log_questions": False})
    log = AnswerLog(retriever.store, settings, background=False)
    answer_id = log.record(retriever.answer(QUESTION), interface="cli", key_name="local")
    assert answer_id is not None
    [logged] = answers_by_ids(retriever.store, [answer_id])
    assert logged.question is None and logged.question_sha256 == hashlib.sha256(QUESTION.encode()).hexdigest()

    off = AnswerLog(retriever.store, retriever.settings.model_copy(update={"answer_log": False}))
    assert off.record(retriever.answer(QUESTION), interface="cli", key_name="local") is None


def test_closing_writes_every_queued_answer_and_a_full_queue_writes_inline(retriever: Retriever) -> None:
    answer = retriever.answer(QUESTION)
    log = AnswerLog(retriever.store, retriever.settings)
    ids = [log.record(answer, interface="mcp", key_name="local") for _ in range(25)]
    log.close()  # at once: nothing may be lost
    assert {a.id for a in answers_by_ids(retriever.store, [i for i in ids if i])} == set(ids)

    tight = AnswerLog(retriever.store, retriever.settings.model_copy(update={"answer_log_queue": 1}))
    more = [tight.record(answer, interface="mcp", key_name="local") for _ in range(5)]
    tight.close()
    assert len(answers_by_ids(retriever.store, [i for i in more if i])) == 5


def test_deleting_a_document_keeps_its_answers_and_marks_their_citations_gone(retriever: Retriever) -> None:
    document = NewDocument(
        id=f"answer-log-{uuid.uuid4().hex[:8]}",
        title="Quorvath",
        text="Quorvath is a small fictional island. The capital of Quorvath is Mellisand.",
    )
    ingestion = Ingestion(retriever.settings)
    ingestion.ingest(retriever, [document.record()], batch="answer-log-test")
    answer = retriever.answer("What is the capital of Quorvath?")
    assert document.id in answer.document_ids, answer.text
    log = AnswerLog(retriever.store, retriever.settings, background=False)
    answer_id = log.record(answer, interface="chat", key_name="local")
    assert answer_id is not None
    gone = {c.chunk_id for c in answer.citations if c.document_id == document.id}

    ingestion.delete(retriever, [document.id])
    [logged] = answers_by_ids(retriever.store, [answer_id])
    assert logged.text == answer.text and logged.question == answer.question
    assert {c.chunk_id for c in logged.citations if c.gone} == gone
    assert all(not c.gone for c in logged.citations if c.chunk_id not in gone)
    assert not set(_cited(retriever.store, answer_id)) & gone


def test_retention_removes_old_unrated_answers_and_a_rating_then_finds_nothing(retriever: Retriever) -> None:
    settings = retriever.settings.model_copy(update={"answer_log_retention_days": 30})
    log = AnswerLog(retriever.store, settings, background=False)
    answer = retriever.answer(QUESTION)
    unrated, rated = (log.record(answer, interface="graphql", key_name="local") for _ in range(2))
    assert unrated is not None and rated is not None
    rate_answer(retriever.store, log, checked_rating(rated, "UP", most=100), interface="cli", key_name="t", key_id="t")

    prune_answers(retriever.store, settings)  # today: nothing this young goes
    assert len(answers_by_ids(retriever.store, [unrated, rated])) == 2
    later = datetime.now(UTC) + timedelta(days=31)
    assert prune_answers(retriever.store, settings, now=later) >= 1
    assert [a.id for a in answers_by_ids(retriever.store, [unrated, rated])] == [rated], "rated answers are kept"
    with pytest.raises(NotFoundError, match="retention removed it"):
        rate_answer(
            retriever.store, log, checked_rating(unrated, "DOWN", most=100), interface="cli", key_name="t", key_id="t"
        )
    strict = settings.model_copy(update={"answer_log_keep_rated": False})
    prune_answers(retriever.store, strict, now=later)
    assert answers_by_ids(retriever.store, [rated]) == []
    feedback = retriever.store.run_text("MATCH (f:Feedback)-[:ON]->(:Answer {id: $id}) RETURN f", {"id": rated})
    assert feedback == []


def test_pages_are_newest_first_and_filtered(retriever: Retriever) -> None:
    log = AnswerLog(retriever.store, retriever.settings, background=False)
    answer = retriever.answer(QUESTION)
    ids = [log.record(answer, interface="cli", key_name="page-test") for _ in range(3)]
    rate_answer(retriever.store, log, checked_rating(str(ids[1]), "DOWN", correction="Tirana", most=100),
                interface="cli", key_name="t", key_id="t")  # fmt: skip
    first = answer_page(retriever.store, first=2)
    assert len(first.answers) == 2 and first.has_next_page
    assert [a.id for a in first.answers] == [ids[2], ids[1]]
    last = first.answers[-1]
    second = answer_page(retriever.store, first=1, after=(last.at, last.id))
    assert [a.id for a in second.answers] == [ids[0]]
    from trellis.api.services.answers import AnswerFilter

    corrected = answer_page(retriever.store, first=100, where=AnswerFilter(corrected=True, interface="cli"))
    assert ids[1] in [a.id for a in corrected.answers] and ids[0] not in [a.id for a in corrected.answers]
    found = next(a for a in corrected.answers if a.id == ids[1])
    assert (found.rating, found.correction, found.ratings) == ("DOWN", "Tirana", 1)
