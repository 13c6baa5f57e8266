"""The batches of one ingest on their way through its threads: what each carries, and the futures still open.

:class:`PreparedBatch` is a batch once the ingesting thread has chunked and extracted it, its chunk vectors still
being computed; :class:`IngestRun` keeps what the build and write threads share (the known entities, the vector
indexes, the report), the batches still in flight, oldest first, and the flag a failure raises so that the batches
queued behind it are not written.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from kg.ingest.report import IngestReport
from kg.ingest.resolution import KnownEntity
from kg.types import Chunk, Document, ExtractionResult
from kg.vectors import VectorIndex
from kg.vectors.threads import CoreShare

__all__ = ["IngestRun", "PreparedBatch"]


@dataclass
class PreparedBatch:
    """Documents chunked and extracted; ``vectors[document.id]`` will hold a row per chunk of the document."""

    documents: list[Document]
    replaces: dict[str, str]
    chunks: dict[str, list[Chunk]]
    extractions: dict[str, ExtractionResult]
    vectors: dict[str, Future[np.ndarray]]

    @property
    def ids(self) -> set[str]:
        return {document.id for document in self.documents}


@dataclass
class IngestRun:
    """State shared by one ingest's threads, and its batches in flight."""

    report: IngestReport
    writes: ThreadPoolExecutor
    chunk_index: VectorIndex
    entity_index: VectorIndex
    known: dict[str, KnownEntity] = field(default_factory=dict)
    known_loaded: bool = False
    abort: threading.Event = field(default_factory=threading.Event)
    cores: CoreShare = field(default_factory=CoreShare)
    """spaCy (the ingesting thread) takes a core from the build thread's torch while it extracts."""
    _builds: deque[tuple[set[str], Future[Future[None] | None]]] = field(default_factory=deque)
    _writes: deque[tuple[set[str], Future[None]]] = field(default_factory=deque)

    def add(self, ids: set[str], build: Future[Future[None] | None]) -> None:
        """A batch handed to the build thread; its future gives the future of its write."""
        self._builds.append((ids, build))

    def in_flight(self) -> set[str]:
        """Ids of the documents of every batch not yet written."""
        return {i for ids, _ in self._builds for i in ids} | {i for ids, _ in self._writes for i in ids}

    def settle(self, *, builds_ahead: int, drain: bool = False) -> None:
        """Wait until at most ``builds_ahead`` batches are being built, and, with ``drain``, every write is done.

        Finished writes are collected either way, so a failure is raised here, in the ingesting thread.
        """
        while len(self._builds) > builds_ahead:
            ids, build = self._builds.popleft()
            write = build.result()
            if write is not None:
                self._writes.append((ids, write))
        while self._writes and (drain or self._writes[0][1].done()):
            self._writes.popleft()[1].result()
