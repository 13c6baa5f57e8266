"""An ingest job and its progress."""

from __future__ import annotations

from enum import Enum

import strawberry

from trellis.api.jobs import IngestJob as DomainJob

__all__ = ["IngestJob", "JobStatus"]


@strawberry.enum(description="Where an ingest job is.")
class JobStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@strawberry.type(description="A background ingest: status, the stage it is in, and the closing counts.")
class IngestJob:
    id: strawberry.ID
    status: JobStatus
    finished: bool
    documents: int = strawberry.field(description="Documents sent.")
    stage: str | None = strawberry.field(description="The pipeline stage running now (load, chunk, extract, ...).")
    done: int = strawberry.field(description="Items of the current stage done.")
    total: int = strawberry.field(description="Items of the current stage.")
    written: int
    skipped: int = strawberry.field(description="Documents unchanged since they were last ingested.")
    failed: int
    chunks: int
    failures: list[str]
    message: str | None
    created_at: str
    finished_at: str | None

    @classmethod
    def from_domain(cls, job: DomainJob) -> IngestJob:
        return cls(
            id=strawberry.ID(job.id),
            status=JobStatus(job.status.value),
            finished=job.finished,
            documents=job.documents,
            stage=job.stage,
            done=job.done,
            total=job.total,
            written=job.written,
            skipped=job.skipped,
            failed=job.failed,
            chunks=job.chunks,
            failures=list(job.failures),
            message=job.message,
            created_at=job.created_at.isoformat(),
            finished_at=job.finished_at.isoformat() if job.finished_at else None,
        )
