"""Where the Ray stages hand their documents to the driver's pipeline, in order.

:meth:`Handover.documents` turns the stream of rows into the loaded documents (and load failures) that
:meth:`~kg.ingest.pipeline.IngestPipeline.ingest_documents` batches, skips when unchanged, resolves and writes as it
does in one process; :meth:`Handover.prepare` is its ``prepare`` step: what the stages did to a batch's new or
changed documents, as the :class:`~kg.ingest.batches.PreparedBatch` that :class:`~kg.ingest.overlap.OverlappedIngest`
would make.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trellis.kg.errors import ModelError
from trellis.kg.failpoints import failpoint
from trellis.kg.ingest.batches import IngestRun, PreparedBatch
from trellis.kg.ingest.distributed.work import VECTORS, WORK, DocumentWork, vectors_of
from trellis.kg.ingest.loaders import LoadFailure
from trellis.kg.progress import Progress
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, Document, ExtractionResult

__all__ = ["CHANGED_MEANWHILE", "Handover", "StageTotals"]

CHANGED_MEANWHILE = (
    "changed in the graph while this ingest ran (another writer wrote or deleted it): not written, as its "
    "stages passed it through as unchanged; ingest it again"
)
"""Why a document the first stage found unchanged is refused when the graph no longer holds it as it is."""


@dataclass
class StageTotals:
    """Per stage, the worker seconds spent and the documents, chunks and tokens that went through."""

    seconds: dict[str, float] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    chunks: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)

    def add(self, work: DocumentWork) -> None:
        assert work.document is not None
        for stage, seconds in work.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
            self.documents[stage] = self.documents.get(stage, 0) + 1
            self.chunks[stage] = self.chunks.get(stage, 0) + len(work.chunks)
            self.tokens[stage] = self.tokens.get(stage, 0) + len(work.document.text.split())


@dataclass
class _Arrived:
    order: int
    work: DocumentWork
    vectors: bytes


class Handover:
    """The Ray stream on the driver's side: documents in order, and each one's work kept until its batch is
    prepared. The pipeline pulls one batch at a time, so what is kept is about a batch."""

    def __init__(self, settings: Settings, progress: Progress) -> None:
        self.settings = settings
        self.progress = progress
        self.totals = StageTotals()
        self._arrived: dict[int, _Arrived] = {}  # by id() of the Document handed on
        self._count = 0

    def documents(self, rows: Iterable[dict[str, Any]]) -> Iterator[Document | LoadFailure]:
        """Each row's document (its work kept for :meth:`prepare`), or its load failure."""
        for row in rows:
            work = DocumentWork.model_validate_json(str(row[WORK]))
            if work.document is None:
                assert work.failure is not None
                yield work.failure
                continue
            self.totals.add(work)
            vectors = row[VECTORS]
            self._arrived[id(work.document)] = _Arrived(self._count, work, bytes(vectors) if vectors else b"")
            self._count += 1
            yield work.document

    def prepare(self, documents: list[Document], replaces: dict[str, str], run: IngestRun) -> PreparedBatch | None:
        """The batch's new or changed documents as the stages left them; a failure at any stage is reported as
        one process reports it, and the document left out. So is a document the stages passed through as
        unchanged that the driver finds new or changed: the graph changed under the ingest, and the document was
        never chunked, extracted or embedded, so it is refused (:data:`CHANGED_MEANWHILE`), never written."""
        report = run.report
        arrived = [self._arrived.pop(id(document)) for document in documents]
        last = max(item.order for item in arrived)
        for key in [key for key, item in self._arrived.items() if item.order < last]:
            del self._arrived[key]  # skipped as unchanged by the pipeline
        chunks: dict[str, list[Chunk]] = {}
        extractions: dict[str, ExtractionResult] = {}
        vectors: dict[str, Future[np.ndarray]] = {}
        kept: list[Document] = []
        for document, item in zip(documents, arrived, strict=True):
            work = item.work
            if work.unchanged:  # the graph held it as it is when the ingest began, and holds something else now
                line = document.metadata.get("line")
                report.failures.append(LoadFailure(source=document.source, reason=CHANGED_MEANWHILE, line=line))
                continue
            for stage in ("chunk", "extract", "embed"):
                if stage in work.seconds:
                    report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + work.seconds[stage]
            if work.failure is not None and work.failed_at != "embed":  # chunking or extraction refused it
                report.failures.append(work.failure)
                continue
            chunks[document.id] = work.chunks
            extractions |= {result.chunk_id: result for result in work.extractions}
            vectors[document.id] = _done(work, item.vectors)
            kept.append(document)
        everything = sum(len(found) for found in chunks.values())
        for stage in ("extract", "embed"):
            self.progress.stage(stage, everything)
            self.progress.advance(stage, everything)
        failpoint(self.settings, "ingest.extracted")
        return PreparedBatch(kept, replaces, chunks, extractions, vectors) if kept else None


def _done(work: DocumentWork, data: bytes) -> Future[np.ndarray]:
    """The document's vectors as a finished future; an embedding failure as the error the build thread reports."""
    future: Future[np.ndarray] = Future()
    if work.failure is not None:  # reported by the build thread, as one process reports it
        future.set_exception(ModelError(work.failure.reason))
    else:
        future.set_result(vectors_of(work, data))
    return future
