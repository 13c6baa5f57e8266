"""Ingest and delete as background work: one worker thread, jobs with ids, progress that subscribers can follow.

The work itself is the ingest service's (:mod:`api.services.ingest`: texts, never server paths); this module
queues it, keeps each job's state and counts it in the metrics. One worker serialises all writes (the pipeline's
index lock does too, across processes).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from trellis.api.errors import NotFoundError, ServerBusyError
from trellis.api.services.ingest import Ingestion, NewDocument, validate_documents
from trellis.api.services.types import IngestOutcome

if TYPE_CHECKING:
    from trellis.api.metrics import Metrics
    from trellis.kg.ingest.writer import Removal
    from trellis.kg.settings import Settings
    from trellis.retrieval import Retriever

__all__ = ["IngestJob", "IngestJobs", "JobStatus", "JobsHost"]

logger = logging.getLogger(__name__)

_KEPT_JOBS = 200
_WAITING_JOBS = 16


class JobStatus(StrEnum):
    """Where a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


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

    # Progress (trellis.kg.progress): the pipeline reports its stages here.
    def stage_started(self, name: str, total: int) -> None:
        self.stage, self.done, self.total = name, 0, total
        self.version += 1

    def advance(self, name: str, amount: int = 1) -> None:
        self.done += amount
        self.version += 1


class _Progress:
    """Adapts a job to the pipeline's Progress protocol."""

    def __init__(self, job: IngestJob) -> None:
        self.job = job

    def stage(self, name: str, total: int) -> None:
        self.job.stage_started(name, total)

    def advance(self, name: str, amount: int = 1) -> None:
        self.job.advance(name, amount)


class JobsHost(Protocol):
    """What the jobs use of the app's state (:class:`~trellis.api.state.AppState`)."""

    settings: Settings
    metrics: Metrics

    @property
    def retriever(self) -> Retriever: ...


class IngestJobs:
    """The app's ingest jobs and the one worker that runs them (and deletions)."""

    def __init__(self, state: JobsHost) -> None:
        self.state = state
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-ingest")
        self._ingestion = Ingestion(state.settings)

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

    def _run(self, job: IngestJob, records: list[dict[str, Any]]) -> None:
        job.status, job.version = JobStatus.RUNNING, job.version + 1
        try:
            outcome = self._ingestion.ingest(self.state.retriever, records, batch=job.id, progress=_Progress(job))
            self._finish(job, outcome)
        except Exception as exc:  # a job that fails says why; the server goes on
            logger.exception("ingest job %s failed", job.id)
            job.status, job.message = JobStatus.FAILED, f"ingest failed: {exc}"
        finally:
            job.finished_at = datetime.now(UTC)
            job.version += 1
            self.state.metrics.ingest_jobs.labels(outcome=job.status.value).inc()

    def _finish(self, job: IngestJob, outcome: IngestOutcome) -> None:
        job.written, job.skipped, job.failed, job.chunks = (
            outcome.written,
            outcome.skipped,
            outcome.failed,
            outcome.chunks,
        )
        job.failures = outcome.failures
        job.status = (
            JobStatus.FAILED if outcome.failed and not outcome.written + outcome.skipped else JobStatus.SUCCEEDED
        )
        job.message = f"{outcome.written} written, {outcome.skipped} unchanged, {outcome.failed} failed"
        metrics = self.state.metrics
        for result, count in (("written", outcome.written), ("skipped", outcome.skipped), ("failed", outcome.failed)):
            metrics.ingest_documents.labels(result=result).inc(count)
        metrics.ingest_chunks.inc(outcome.chunks)

    def _delete(self, document_id: str) -> Removal:
        removal = self._ingestion.delete(self.state.retriever, [document_id])
        self.state.metrics.ingest_documents.labels(result="deleted").inc()
        return removal
