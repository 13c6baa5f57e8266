"""What one ingest's stages share, and a batch as the stages before resolution leave it.

:class:`IngestRun` is the state of one ingest that every batch reads and adds to: its report, the vector indexes it
writes, and the entities known so far (the graph's, read once, then each written batch's). :class:`PreparedBatch`
is a batch chunked and extracted, its chunk vectors computed or still on their way: what a :data:`Prepare` step
hands to resolution (:mod:`kg.ingest.overlap` makes them in this process, :mod:`kg.ingest.distributed` from Ray).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

import numpy as np

from trellis.kg.ingest.report import IngestReport
from trellis.kg.ingest.resolution import KnownEntity
from trellis.kg.types import Chunk, Document, ExtractionResult
from trellis.kg.vectors import VectorIndex

__all__ = ["Extracted", "IngestRun", "Prepare", "PreparedBatch"]


@dataclass
class IngestRun:
    """State shared by one ingest's batches."""

    report: IngestReport
    chunk_index: VectorIndex
    entity_index: VectorIndex
    known: dict[str, KnownEntity] = field(default_factory=dict)
    known_loaded: bool = False


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


@dataclass(frozen=True)
class Extracted:
    """What resolution and assembly start from: documents with their chunks, extractions and chunk vectors."""

    documents: Sequence[Document]
    chunks: dict[str, list[Chunk]]
    extractions: dict[str, ExtractionResult]
    vectors: dict[str, np.ndarray]

    def only(self, documents: Sequence[Document]) -> Extracted:
        """The same, for some of the documents."""
        return replace(self, documents=documents)


Prepare = Callable[[list[Document], dict[str, str], IngestRun], PreparedBatch | None]
"""Turns a batch of new or changed documents into a :class:`PreparedBatch` (chunked, extracted, vectors on their
way): ``(documents, replaces, run)``. By default :class:`~kg.ingest.overlap.OverlappedIngest` does the work in this
process; the Ray path (:mod:`kg.ingest.distributed`) hands over what its stages did."""
