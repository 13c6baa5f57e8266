"""The ingest's batches overlapped in three threads, each running the pipeline's own stages
(:meth:`~kg.ingest.pipeline.IngestPipeline.ingest_batch` tells the story; this module only changes when they run).

Batches move through the threads in order: the ingesting thread skips the unchanged documents, chunks and extracts
(spaCy); the build thread embeds the chunks and resolves and assembles the graphs; the write thread writes Neo4j,
then FAISS. spaCy and torch spend most of their time outside the GIL, so a batch's extraction overlaps the embedding
of its chunks, and the next batch's extraction overlaps its resolution and its write. While spaCy extracts, the
build thread's torch gives it a core (:class:`~kg.vectors.threads.CoreShare`).

Invariants: batches are written in order, one at a time; a batch holding a document of a batch still in flight
waits until that one is written (its hashes are compared against what landed); at most one batch waits to be
built while the next is prepared; a failure in any thread is raised in the ingesting thread, and no batch queued
behind it is written.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

import numpy as np

from trellis.kg.ingest.batches import Extracted, IngestRun, Prepare, PreparedBatch
from trellis.kg.ingest.extraction import Extractor, SpacyExtractor
from trellis.kg.ingest.report import IngestReport
from trellis.kg.ingest.steps import each_alone, isolating
from trellis.kg.types import Chunk, Document, DocumentGraph, ExtractionResult
from trellis.kg.vectors.threads import CoreShare

__all__ = ["IngestStages", "OverlappedIngest"]


class IngestStages(Protocol):
    """The stages that :class:`OverlappedIngest` runs (:class:`~kg.ingest.pipeline.IngestPipeline`'s)."""

    extractor: Extractor

    def new_or_changed(
        self, documents: list[Document], report: IngestReport
    ) -> tuple[list[Document], dict[str, str]]: ...

    def chunk(self, document: Document, report: IngestReport) -> list[Chunk]: ...

    def extract(
        self, documents: list[Document], chunks: dict[str, list[Chunk]], report: IngestReport
    ) -> dict[str, ExtractionResult]: ...

    def embed(self, chunks: list[Chunk], report: IngestReport) -> np.ndarray: ...

    def build(self, batch: Extracted, run: IngestRun) -> list[DocumentGraph]: ...

    def write(self, graphs: list[DocumentGraph], replaces: dict[str, str], run: IngestRun) -> None: ...


class OverlappedIngest:
    """One ingest's batches, run through the ingesting, build and write threads."""

    def __init__(self, stages: IngestStages, run: IngestRun, *, prepare: Prepare | None = None) -> None:
        self.stages = stages
        self.run_state = run
        self.prepare: Prepare = prepare or self._prepare
        self.abort = threading.Event()
        """Raised by a failure: the batches still queued behind it are not written."""
        self.cores = CoreShare()
        self._builds_pool: ThreadPoolExecutor | None = None
        self._writes_pool: ThreadPoolExecutor | None = None
        self._building: deque[tuple[set[str], Future[Future[None] | None]]] = deque()
        self._writing: deque[tuple[set[str], Future[None]]] = deque()

    def run(self, batches: Iterable[list[Document]]) -> None:
        """Every batch through the three threads; returns once the last is written, raises the first failure."""
        report = self.run_state.report
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-write") as self._writes_pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-build") as self._builds_pool,
        ):
            try:
                for batch in batches:
                    if self._in_flight() & {document.id for document in batch}:
                        self._settle(builds_ahead=0, drain=True)  # its earlier version lands before the hashes
                    documents, replaces = self.stages.new_or_changed(batch, report)
                    prepared = self.prepare(documents, replaces, self.run_state) if documents else None
                    if prepared is not None:
                        build = self._builds_pool.submit(self._build, prepared)
                        self._building.append((prepared.ids, build))
                    self._settle(builds_ahead=1)
                self._settle(builds_ahead=0, drain=True)
            except BaseException:
                self.abort.set()
                raise
            finally:
                self.cores.restore()

    # --- the ingesting thread ----------------------------------------------------------------------------------

    def _prepare(self, documents: list[Document], replaces: dict[str, str], run: IngestRun) -> PreparedBatch | None:
        """Chunk each document and hand its chunks to the build thread to embed, then extract them all."""
        assert self._builds_pool is not None
        report = run.report
        chunks: dict[str, list[Chunk]] = {}
        vectors: dict[str, Future[np.ndarray]] = {}
        for document in documents:
            found = each_alone(lambda one: self.stages.chunk(one, report), [document], report.failures)
            if document.id in found:  # embedded at once, while the rest is chunked and extracted
                chunks[document.id] = found[document.id]
                vectors[document.id] = self._builds_pool.submit(self._embed, found[document.id], report)
        documents = [document for document in documents if document.id in chunks]
        if not documents:
            return None
        with self._beside_embedding():
            extractions = self.stages.extract(documents, chunks, report)
        kept = [document for document in documents if all(c.id in extractions for c in chunks[document.id])]
        return PreparedBatch(kept, replaces, chunks, extractions, vectors) if kept else None

    def _beside_embedding(self) -> AbstractContextManager[None]:
        """spaCy takes a core of the embedder's while it runs (an LLM extractor waits on the network: none)."""
        return self.cores.busy() if isinstance(self.stages.extractor, SpacyExtractor) else nullcontext()

    def _in_flight(self) -> set[str]:
        """Ids of the documents of every batch not yet written."""
        return {i for ids, _ in self._building for i in ids} | {i for ids, _ in self._writing for i in ids}

    def _settle(self, *, builds_ahead: int, drain: bool = False) -> None:
        """Wait until at most ``builds_ahead`` batches are being built, and, with ``drain``, every write is done.

        Finished writes are collected either way, so a failure is raised here, in the ingesting thread.
        """
        while len(self._building) > builds_ahead:
            ids, build = self._building.popleft()
            write = build.result()
            if write is not None:
                self._writing.append((ids, write))
        while self._writing and (drain or self._writing[0][1].done()):
            self._writing.popleft()[1].result()

    # --- the build thread --------------------------------------------------------------------------------------

    def _embed(self, chunks: list[Chunk], report: IngestReport) -> np.ndarray:
        self.cores.adjust()
        return self.stages.embed(chunks, report)

    def _build(self, prepared: PreparedBatch) -> Future[None] | None:
        """Resolve and assemble a batch, then hand its graphs to the write thread: the write's future, or None
        when nothing is left to write."""
        if self.abort.is_set():
            return None
        assert self._writes_pool is not None
        run = self.run_state
        documents = prepared.documents
        vectors = isolating(lambda alone: _results(prepared, alone), documents, run.report.failures)
        documents = [document for document in documents if document.id in vectors]
        self.cores.adjust()  # the names are embedded in the resolver
        graphs = self.stages.build(Extracted(documents, prepared.chunks, prepared.extractions, vectors), run)
        if not graphs or self.abort.is_set():
            return None
        return self._writes_pool.submit(self._write, graphs, prepared.replaces)

    # --- the write thread --------------------------------------------------------------------------------------

    def _write(self, graphs: list[DocumentGraph], replaces: dict[str, str]) -> None:
        if self.abort.is_set():
            return
        try:
            self.stages.write(graphs, replaces, self.run_state)
        except BaseException:
            self.abort.set()  # the batches behind this one are not written either
            raise


def _results(prepared: PreparedBatch, documents: Sequence[Document]) -> dict[str, np.ndarray]:
    """The documents' chunk vectors, once computed (an embedding failure is raised here)."""
    return {document.id: prepared.vectors[document.id].result() for document in documents}
