"""Ingest and delete as background work: one worker thread, jobs with ids, progress that subscribers can follow.

The API ingests texts sent in the request, never paths on the server (a key holder must not be able to make the
server read its own files). The texts are written to a JSONL file in a private temporary folder and go through
the same :class:`~kg.ingest.pipeline.IngestPipeline` as ``trellis ingest``; after each job the retriever reloads
its vector indexes. One worker serialises all writes (the pipeline's index lock does too, across processes).
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.errors import InvalidArgumentError, NotFoundError, ServerBusyError
from kg.errors import TrellisError
from kg.ingest.loaders.base import sha256_text

if TYPE_CHECKING:
    from api.state import AppState
    from kg.ingest.writer import Removal

__all__ = ["IngestJob", "IngestJobs", "JobStatus", "NewDocument"]

logger = logging.getLogger(__name__)

_KEPT_JOBS = 200
_WAITING_JOBS = 16


class JobStatus(StrEnum):
    """Where a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class NewDocument:
    """A document sent to the API: its text, and optionally id, title and source label."""

    text: str
    id: str | None = None
    title: str | None = None
    source: str | None = None

    def record(self) -> dict[str, Any]:
        """The JSONL record of this document (the id defaults to a hash of the text)."""
        record: dict[str, Any] = {"id": self.id or "api-" + sha256_text(self.text)[:16], "text": self.text}
        if self.title:
            record["title"] = self.title
        if self.source:
            record["metadata"] = {"origin": self.source}
        return record


@dataclass
class IngestJob:
    """One ingest: status, progress by stage, and the closing counts."""

    id: str
    documents: int
    status: JobStatus = JobStatus.QUEUED
    stage: str | None = None
    done: int = 0
    total: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    chunks: int = 0
    failures: list[str] = field(default_factory=list)
    message: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    version: int = 0  # bumped on every change, so followers know when to send an update

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    # IngestProgress (kg.ingest.report): the pipeline reports its stages here.
    def stage_started(self, name: str, total: int) -> None:
        self.stage, self.done, self.total = name, 0, total
        self.version += 1

    def advance(self, name: str, amount: int = 1) -> None:
        self.done += amount
        self.version += 1


class _Progress:
    """Adapts a job to the pipeline's IngestProgress protocol."""

    def __init__(self, job: IngestJob) -> None:
        self.job = job

    def stage(self, name: str, total: int) -> None:
        self.job.stage_started(name, total)

    def advance(self, name: str, amount: int = 1) -> None:
        self.job.advance(name, amount)


def validate_documents(documents: Sequence[NewDocument], *, most: int, max_bytes: int) -> None:
    """Refuse empty, too many, too large or duplicated documents with a message naming the problem."""
    if not documents:
        raise InvalidArgumentError("no documents: send at least one {text: ...}")
    if len(documents) > most:
        raise InvalidArgumentError(f"{len(documents)} documents in one call; the limit is {most}: split them")
    ids: set[str] = set()
    for position, document in enumerate(documents):
        if not document.text.strip():
            raise InvalidArgumentError(f"document {position} has no text")
        if len(document.text.encode("utf-8")) > max_bytes:
            raise InvalidArgumentError(f"document {position} is larger than {max_bytes} bytes")
        if document.id is not None and (not document.id.strip() or len(document.id) > 200):
            raise InvalidArgumentError(f"document {position}: an id must be 1-200 characters")
        key = document.record()["id"]
        if key in ids:
            raise InvalidArgumentError(f"document {position}: id {key!r} appears twice in this call")
        ids.add(key)


class IngestJobs:
    """The app's ingest jobs and the one worker that runs them (and deletions)."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-ingest")
        self._extractor: Any = None

    def get(self, job_id: str) -> IngestJob:
        """The job ``job_id``, or NotFoundError."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no ingest job {job_id!r} (jobs are kept in memory until the server restarts)")
        return job

    def submit(self, documents: Sequence[NewDocument]) -> IngestJob:
        """Queue an ingest of ``documents``; returns at once with the job."""
        settings = self.state.settings
        validate_documents(documents, most=settings.api_max_ingest_documents, max_bytes=settings.max_document_bytes)
        with self._lock:
            waiting = sum(not job.finished for job in self._jobs.values())
            if waiting >= _WAITING_JOBS:
                raise ServerBusyError(f"{waiting} ingest jobs are waiting; try again when some have finished")
            job = IngestJob(id=uuid.uuid4().hex, documents=len(documents))
            self._jobs[job.id] = job
            while len(self._jobs) > _KEPT_JOBS:
                self._jobs.popitem(last=False)
        records = [document.record() for document in documents]
        self._worker.submit(self._run, job, records)
        return job

    def delete(self, document_id: str) -> Removal:
        """Delete a document (waits for the worker, so it never races an ingest); NotFoundError if unknown."""
        return self._worker.submit(self._delete, document_id).result()

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    def _pipeline(self, progress: _Progress | None = None) -> Any:
        from kg.ingest.extraction import SpacyExtractor
        from kg.ingest.pipeline import IngestPipeline

        retriever = self.state.retriever
        if self._extractor is None and not self.state.settings.llm_extraction:
            self._extractor = SpacyExtractor.from_settings(self.state.settings)
        return IngestPipeline(
            self.state.settings,
            store=retriever.store,
            embedder=retriever.embedder,
            extractor=self._extractor,
            progress=progress,
        )

    def _run(self, job: IngestJob, records: list[dict[str, Any]]) -> None:
        metrics = self.state.metrics
        job.status, job.version = JobStatus.RUNNING, job.version + 1
        try:
            with tempfile.TemporaryDirectory(prefix="trellis-api-ingest-") as folder:
                path = Path(folder) / f"{job.id}.jsonl"
                path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
                report = self._pipeline(_Progress(job)).ingest([path], exclude=[])
            self.state.retriever.reload_indexes()
            with contextlib.suppress(TrellisError):  # the new graph read here; else by the next question
                self.state.retriever.snapshot()
            job.written, job.skipped, job.failed, job.chunks = (
                report.documents,
                report.skipped,
                report.failed,
                report.chunks,
            )
            job.failures = [str(failure).replace(str(path), "document") for failure in report.failures]
            job.status = (
                JobStatus.FAILED if report.failed and not report.documents + report.skipped else JobStatus.SUCCEEDED
            )
            job.message = f"{report.documents} written, {report.skipped} unchanged, {report.failed} failed"
            for result, count in (
                ("written", report.documents),
                ("skipped", report.skipped),
                ("failed", report.failed),
            ):
                metrics.ingest_documents.labels(result=result).inc(count)
            metrics.ingest_chunks.inc(report.chunks)
        except Exception as exc:  # a job that fails says why; the server goes on
            logger.exception("ingest job %s failed", job.id)
            job.status, job.message = JobStatus.FAILED, f"ingest failed: {exc}"
        finally:
            job.finished_at = datetime.now(UTC)
            job.version += 1
            metrics.ingest_jobs.labels(outcome=job.status.value).inc()

    def _delete(self, document_id: str) -> Removal:
        store = self.state.store
        if not store.query("document_hashes", ids=[document_id]):
            raise NotFoundError(f"no document with id {document_id!r}: list them with the documents query")
        removal = self._pipeline().delete([document_id])
        self.state.retriever.reload_indexes()
        self.state.metrics.ingest_documents.labels(result="deleted").inc()
        return removal
