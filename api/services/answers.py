"""The answer log: every answer an interface gives is recorded in the graph, and read back in pages.

An answer becomes ``(:Answer {id, question, text, model, adapter, interface, key_name, at, ...})`` with
``(:Answer)-[:CITES {number}]->(:Chunk)`` for its citations and ``(:Answer)-[:USES]->(:Entity)`` for the ends of the
relations it used, so an analyst sees in Neo4j Browser which chunks and entities answers lean on. It holds the
question (or only its SHA-256 with ``TRELLIS_ANSWER_LOG_QUESTIONS=false``), the text and short answer, citations,
relations, the model and adapter, the settings that shaped retrieval, the stage timings, the interface and the API
key's non-secret name (never the key). Deleting a document keeps its answers and lists the chunks that went in
``gone_chunk_ids`` (``cypher/queries/delete_documents.cypher``).

Writing is off the request's critical path: :meth:`AnswerLog.record` builds the row, gives the answer its id and
queues it; one background thread writes what is queued in one ``UNWIND`` write per batch. Nothing is lost quietly:
a full queue makes the caller write inline, a failed write is retried and then logged as an error with the count
it lost, :meth:`AnswerLog.flush` waits for what is queued (a rating or a listing flushes first, so a just-given
answer can be rated at once) and :meth:`AnswerLog.close` flushes on shutdown. Retention
(``TRELLIS_ANSWER_LOG_RETENTION_DAYS``) removes old unrated answers when the log opens and then hourly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from trellis.kg.errors import TrellisError
from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings
from trellis.retrieval.types import Answer, AnswerOptions

__all__ = [
    "AnswerFilter",
    "AnswerLog",
    "AnswerPage",
    "Interface",
    "LoggedAnswer",
    "LoggedCitation",
    "answer_page",
    "answers_by_ids",
    "new_answer_id",
    "prune_answers",
]

logger = logging.getLogger(__name__)

Interface = Literal["graphql", "chat", "mcp", "cli"]
_BATCH = 200
_RETRIES = 3
_PRUNE_EVERY_S = 3_600.0
_PRUNE_BATCH = 10_000


def new_answer_id() -> str:
    """A fresh answer id: ``ans-`` and 32 hex digits (the chat route uses its completion id, ``chatcmpl-...``)."""
    return f"ans-{uuid.uuid4().hex}"


class LoggedCitation(BaseModel):
    """A citation of a logged answer: its number, the chunk it named, and whether that chunk has since gone."""

    number: int
    chunk_id: str
    document_id: str | None = None
    gone: bool = False


class LoggedAnswer(BaseModel):
    """An answer as the log holds it, with its latest rating (if any) and how many ratings it has had."""

    id: str
    question: str | None = None
    question_sha256: str
    text: str
    span: str | None = None
    answerable: bool
    model: str
    adapter: str | None = None
    interface: str
    key_name: str
    at: datetime
    retrieval: dict[str, Any] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    citations: list[LoggedCitation] = Field(default_factory=list)
    relations: list[str] = Field(default_factory=list)
    rating: Literal["UP", "DOWN"] | None = None
    correction: str | None = None
    comment: str | None = None
    rated_at: datetime | None = None
    ratings: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LoggedAnswer:
        """From an ``answers_*`` query's row: ``answer`` (the node's properties) and ``ratings``."""
        node = row["answer"]
        gone = set(node.get("gone_chunk_ids") or [])
        numbers, chunks = node.get("citation_numbers") or [], node.get("chunk_ids") or []
        documents = node.get("citation_documents") or [None] * len(chunks)
        citations = [
            LoggedCitation(number=n, chunk_id=c, document_id=d or None, gone=c in gone)
            for n, c, d in zip(numbers, chunks, documents, strict=False)
        ]
        return cls(
            **{key: value for key, value in node.items() if key in cls.model_fields and key not in _DERIVED},
            at=_python_time(node["at"]) or datetime.now(UTC),
            rated_at=_python_time(node.get("rated_at")),
            retrieval=json.loads(node.get("retrieval") or "{}"),
            timings=json.loads(node.get("timings") or "{}"),
            citations=citations,
            ratings=row.get("ratings", 0),
        )


_DERIVED = {"at", "rated_at", "retrieval", "timings", "citations", "ratings"}


def _python_time(value: Any) -> datetime | None:
    """A Neo4j DateTime (or None) as a Python datetime in UTC. The standard library's UTC, not the driver's pytz
    zone: sent back as a cursor, a pytz time compares as a later instant than the one stored."""
    if value is None:
        return None
    native: datetime = value.to_native() if hasattr(value, "to_native") else value
    return native.astimezone(UTC)


class AnswerFilter(BaseModel):
    """Which logged answers: by interface, model, latest rating, whether rated, whether corrected (None: any)."""

    interface: str | None = None
    model: str | None = None
    rating: Literal["UP", "DOWN"] | None = None
    rated: bool | None = None
    corrected: bool | None = None


class AnswerPage(BaseModel):
    """A page of logged answers, newest first, and whether another page follows."""

    answers: list[LoggedAnswer]
    has_next_page: bool


def _row(
    answer: Answer,
    *,
    answer_id: str,
    interface: Interface,
    key_name: str,
    options: AnswerOptions,
    settings: Settings,
) -> dict[str, Any]:
    """The ``answers_log`` row of one answer: flat node properties (Neo4j holds no maps), citations, entities."""
    model, _, adapter = answer.model.partition("+lora:")
    retrieval = {
        **options.model_dump(exclude={"max_question_chars"}),
        "generator": settings.generator,
        "vector_backend": settings.vector_backend,
        "graph_snapshot": settings.graph_snapshot,
        "constrain_citations": settings.llm_constrain_citations,
        "abstain_threshold": settings.llm_abstain_threshold,
    }
    citations = sorted(answer.citations, key=lambda c: c.number)
    properties = {
        "question": answer.question if settings.answer_log_questions else None,
        "question_sha256": hashlib.sha256(answer.question.encode("utf-8")).hexdigest(),
        "text": answer.text,
        "span": answer.span,
        "answerable": answer.answerable,
        "model": answer.model,
        "base_model": model,
        "adapter": adapter or None,
        "interface": interface,
        "key_name": key_name,
        "at": datetime.now(UTC),
        "score": answer.score,
        "retrieval": json.dumps(retrieval, sort_keys=True),
        "timings": json.dumps(answer.timings, sort_keys=True),
        "total_ms": round(sum(answer.timings.values()) * 1000, 3),
        "citation_numbers": [c.number for c in citations],
        "chunk_ids": [c.chunk_id for c in citations],
        "citation_documents": [c.document_id or "" for c in citations],
        "document_ids": answer.document_ids,
        "relations": [f"({f.subject_id}) -[{f.predicate}]-> ({f.object_id})" for f in answer.relations],
    }
    return {
        "id": answer_id,
        "properties": properties,
        "citations": [{"number": c.number, "chunk_id": c.chunk_id} for c in citations],
        "entity_ids": sorted({end for f in answer.relations for end in (f.subject_id, f.object_id)}),
    }


class AnswerLog:
    """Records answers in the graph from a background thread (module docstring). Thread-safe; close it last."""

    def __init__(self, store: GraphStore, settings: Settings, *, background: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.enabled = settings.answer_log
        self._background = background
        self._pending: deque[dict[str, Any]] = deque()
        self._changed = threading.Condition()
        self._queued = 0  # rows ever queued
        self._done = 0  # rows ever written or given up on
        self._closing = False
        self._writer: threading.Thread | None = None
        self._pruned_at = 0.0

    def record(
        self,
        answer: Answer,
        *,
        interface: Interface,
        key_name: str,
        options: AnswerOptions | None = None,
        answer_id: str | None = None,
    ) -> str | None:
        """Give ``answer`` an id (``answer_id`` if given) and log it; returns the id, None when the log is off."""
        if not self.enabled:
            return None
        ident = answer_id or new_answer_id()
        row = _row(
            answer,
            answer_id=ident,
            interface=interface,
            key_name=key_name,
            options=options or AnswerOptions(),
            settings=self.settings,
        )
        with self._changed:
            inline = not self._background or self._closing or len(self._pending) >= self.settings.answer_log_queue
            if not inline:
                self._pending.append(row)
                self._queued += 1
                self._start_writer()
                self._changed.notify_all()
        if inline:  # no background thread, or a full queue: the caller waits for its own write
            self._write([row])
        return ident

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every answer queued so far is written (or given up on); False if ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            target = self._queued
            while self._done < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued and stop the writer; answers still unwritten after ``timeout`` are logged as lost."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        writer = self._writer
        if writer is not None:
            writer.join(timeout)
        with self._changed:
            if self._pending:
                logger.error("the answer log lost %d answers at shutdown (Neo4j too slow)", len(self._pending))

    def prune(self) -> int:
        """Apply the retention setting now; returns how many answers went."""
        self._pruned_at = time.monotonic()
        return prune_answers(self.store, self.settings)

    def _start_writer(self) -> None:
        if self._writer is None:
            self._writer = threading.Thread(target=self._run, name="trellis-answer-log", daemon=True)
            self._writer.start()

    def _run(self) -> None:
        self._prune_if_due()
        while True:
            with self._changed:
                while not self._pending and not self._closing:
                    self._changed.wait()
                if not self._pending:
                    return  # closing, and everything written
                batch = [self._pending.popleft() for _ in range(min(_BATCH, len(self._pending)))]
            self._write(batch)
            with self._changed:
                self._done += len(batch)
                self._changed.notify_all()
            self._prune_if_due()

    def _write(self, rows: list[dict[str, Any]]) -> None:
        """One ``UNWIND`` write of ``rows``, retried; a batch that still fails is logged as lost, never raised (the
        answers were given; the interfaces must not fail for their log)."""
        for attempt in range(1, _RETRIES + 1):
            try:
                self.store.execute("answers_log", rows=rows)
                return
            except TrellisError as exc:
                if attempt == _RETRIES:
                    logger.error("the answer log lost %d answers: %s", len(rows), exc)
                    return
                time.sleep(0.2 * attempt)

    def _prune_if_due(self) -> None:
        if self.settings.answer_log_retention_days and time.monotonic() - self._pruned_at >= _PRUNE_EVERY_S:
            try:
                self.prune()
            except TrellisError as exc:
                logger.warning("pruning the answer log failed: %s", exc)


def prune_answers(store: GraphStore, settings: Settings, *, now: datetime | None = None) -> int:
    """Remove the answers older than the retention (unrated ones only, unless ``answer_log_keep_rated`` is off), in
    batches, with their feedback; returns how many went (none when the retention is 0)."""
    if not settings.answer_log_retention_days:
        return 0
    before = (now or datetime.now(UTC)) - timedelta(days=settings.answer_log_retention_days)
    removed = 0
    while True:
        rows = store.execute(
            "answers_prune", before=before, keep_rated=settings.answer_log_keep_rated, limit=_PRUNE_BATCH
        )
        gone = int(rows[0]["removed"]) if rows else 0
        removed += gone
        if gone < _PRUNE_BATCH:
            return removed


def answers_by_ids(store: GraphStore, ids: list[str]) -> list[LoggedAnswer]:
    """The logged answers among ``ids`` (in no promised order)."""
    if not ids:
        return []
    return [LoggedAnswer.from_row(row) for row in store.query("answers_by_ids", ids=ids, limit=len(ids))]


def answer_page(
    store: GraphStore, *, first: int, after: tuple[datetime, str] | None = None, where: AnswerFilter | None = None
) -> AnswerPage:
    """Up to ``first`` logged answers, newest first, after the answer ``after`` names (its time and id)."""
    chosen = where or AnswerFilter()
    at, ident = after if after is not None else (None, None)
    rows = store.query("answers_page", at=at, id=ident, limit=first + 1, **chosen.model_dump())
    answers = [LoggedAnswer.from_row(row) for row in rows]
    return AnswerPage(answers=answers[:first], has_next_page=len(answers) > first)
