"""What travels between the Ray stages: one row per document, its work so far as JSON and its vectors as bytes.

Rows hold plain strings and bytes (Arrow columns), so any worker of any cluster reads them without unpickling
Trellis's classes. A document that fails a stage keeps travelling, carrying the failure, so the driver still sees
it in order: an unchanged document is skipped there before any failure of it is reported, as in one process. A
document the first stage finds unchanged (:attr:`DocumentWork.unchanged`) travels too, with no work done on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from trellis.kg.ingest.loaders import LoadFailure
from trellis.kg.ingest.writer import unchanged
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, Document, ExtractionResult

__all__ = [
    "DOCUMENTS_PER_CALL",
    "VECTORS",
    "WORK",
    "Batch",
    "DocumentWork",
    "StageConfig",
    "Stored",
    "decoded",
    "encoded",
    "vectors_of",
]

WORK, VECTORS = "work", "vectors"
DOCUMENTS_PER_CALL = 2
"""Documents the loading stage hands on at a time and an actor takes per call: their chunks make spaCy's batches,
and few documents a call keep the stream moving (the driver writes the first documents while the actors work on
the next) and the actors evenly busy (a free actor takes the next call)."""
Batch = dict[str, Any]
"""A Ray Data batch in the ``numpy`` format: column name -> the column's values."""
Stored = Mapping[str, Mapping[str, Any]]
"""What the graph holds of each document, by id, as the driver read it before the stages ran: its row of
``document_hashes_page`` (content hash, graph-model version)."""


class DocumentWork(BaseModel):
    """One document's work so far; ``failure`` without ``document``: an input that could not be loaded."""

    document: Document | None = None
    failure: LoadFailure | None = None
    chunks: list[Chunk] = Field(default_factory=list)
    extractions: list[ExtractionResult] = Field(default_factory=list)
    dimensions: int = 0
    failed_at: str | None = None
    """The stage that failed the document (``chunk``, ``extract``, ``embed``); None for a load failure."""
    seconds: dict[str, float] = Field(default_factory=dict)
    """Seconds each stage spent on this document, in its worker."""
    unchanged: bool = False
    """The graph held the document as it is when the ingest began (:func:`~kg.ingest.writer.unchanged`): the
    stages after loading pass it on untouched, and the driver skips it (or refuses it, if the graph changed since)."""

    @classmethod
    def loaded(cls, document: Document, seconds: float, stored: Stored) -> DocumentWork:
        """A document the first stage loaded in ``seconds``, marked unchanged when ``stored`` holds it as it is."""
        return cls(document=document, seconds={"load": seconds}, unchanged=unchanged(document, stored.get(document.id)))

    @property
    def pending(self) -> bool:
        """Still to be worked on: loaded, not unchanged, and failed at no stage."""
        return self.document is not None and self.failure is None and not self.unchanged

    def fail(self, stage: str, failure: LoadFailure) -> None:
        """The document goes on without further work, carrying why ``stage`` refused it."""
        self.failure, self.failed_at = failure, stage


def encoded(works: list[DocumentWork], vectors: list[bytes] | None = None) -> Batch:
    """The batch that carries ``works`` (and their chunk vectors, float32 rows as bytes)."""
    return {WORK: [work.model_dump_json() for work in works], VECTORS: vectors or [b""] * len(works)}


def decoded(batch: Batch) -> tuple[list[DocumentWork], list[bytes]]:
    """The works of a batch and their vectors."""
    works = [DocumentWork.model_validate_json(text) for text in batch[WORK]]
    return works, [bytes(value) for value in batch[VECTORS]]


def vectors_of(work: DocumentWork, data: bytes) -> np.ndarray:
    """The chunk vectors a row carries, one row per chunk (``(0, 0)`` for none, as the embedder gives)."""
    if not data:
        return np.empty((0, 0), dtype=np.float32)
    return np.frombuffer(data, dtype=np.float32).reshape(-1, work.dimensions)


_WORKER_FIELDS = frozenset(
    {
        "cache_dir",
        "chunk_max_tokens",
        "chunk_overlap_tokens",
        "device",
        "embedding_batch_size",
        "embedding_cache_size",
        "embedding_model",
        "embedding_runtime",
        "max_document_bytes",
        "max_document_chunks",
        "spacy_batch_size",
        "spacy_model",
    }
)


class StageConfig(BaseModel):
    """The settings the stages read, sent to every worker: nothing secret, nothing about Neo4j."""

    values: dict[str, Any]

    @classmethod
    def of(cls, settings: Settings) -> StageConfig:
        return cls(values=settings.model_dump(include=set(_WORKER_FIELDS)))

    def settings(self) -> Settings:
        """The driver's settings for the stages, on a worker (they win over its environment; no .env is read)."""
        return Settings(_env_file=None, **self.values)  # type: ignore[call-arg]
