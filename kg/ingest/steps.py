"""The work done on documents before resolution, one function per step, shared by every way of running an ingest.

The single-process pipeline (:mod:`kg.ingest.pipeline`) calls these in its threads; the Ray stages
(:mod:`kg.ingest.distributed.stages`) call the same functions in their actors, so both paths chunk, extract and
embed a document alike and fail it for the same reasons. Failure isolation is written once, in :func:`isolating`:
a step that fails one document reports its failure and leaves the others alone; a failure to reach Neo4j
(:class:`~kg.errors.GraphError`) is never one document's fault and is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from trellis.kg.errors import GraphError, TrellisError
from trellis.kg.ingest.chunking import Chunker
from trellis.kg.ingest.extraction import Extractor, LLMExtractor, SpacyExtractor
from trellis.kg.ingest.loaders import LoadFailure
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, Document, ExtractionResult
from trellis.kg.vectors import Embedder

__all__ = ["chunk_or_failure", "each_alone", "embed_chunks", "extract_isolating", "extractor_from", "isolating"]

T = TypeVar("T")


def extractor_from(settings: Settings) -> Extractor:
    """spaCy by default; a LangChain chat model when ``llm_extraction`` is on."""
    if not settings.llm_extraction:
        return SpacyExtractor.from_settings(settings)
    return LLMExtractor.from_settings(settings)


def chunk_or_failure(chunker: Chunker, document: Document) -> list[Chunk] | LoadFailure:
    """The document's chunks, or the failure that says why it cannot be chunked (too long, repeating itself)."""
    failures: list[LoadFailure] = []
    found = isolating(lambda alone: {d.id: chunker.run(d) for d in alone}, [document], failures)
    return failures[0] if failures else found[document.id]


def extract_isolating(
    extractor: Extractor,
    documents: Sequence[Document],
    chunks: dict[str, list[Chunk]],
    failures: list[LoadFailure],
) -> dict[str, ExtractionResult]:
    """Each chunk's extraction, all documents in one call; when that fails, each document is extracted alone and
    the one that fails is added to ``failures`` (its chunks are then missing from the result)."""

    def extract(alone: Sequence[Document]) -> dict[str, dict[str, ExtractionResult]]:
        found = {result.chunk_id: result for result in extractor.extract([c for d in alone for c in chunks[d.id]])}
        return {d.id: {c.id: found[c.id] for c in chunks[d.id] if c.id in found} for d in alone}

    return {
        chunk: result for found in isolating(extract, documents, failures).values() for chunk, result in found.items()
    }


def embed_chunks(embedder: Embedder, chunks: Sequence[Chunk]) -> np.ndarray:
    """One row per chunk, in order, from one call of the embedder (it sorts the texts by length and batches them)."""
    return embedder.embed([chunk.text for chunk in chunks]) if chunks else np.empty((0, 0))


def isolating(
    work: Callable[[Sequence[Document]], Mapping[str, T]], documents: Sequence[Document], failures: list[LoadFailure]
) -> dict[str, T]:
    """``work(documents)``, a result by document id, all documents in one call; when that fails (a
    :class:`~kg.errors.TrellisError`), each document is done alone, and the one that fails is added to ``failures``
    and left out of the result. A :class:`~kg.errors.GraphError` is never one document's fault: it is raised."""
    try:
        return dict(work(documents))
    except GraphError:
        raise
    except TrellisError as exc:
        if len(documents) == 1:
            failures.append(LoadFailure(source=documents[0].source, reason=str(exc)))
            return {}
        found: dict[str, T] = {}
        for document in documents:
            found |= isolating(work, [document], failures)
        return found


def each_alone(
    work: Callable[[Document], T], documents: Sequence[Document], failures: list[LoadFailure]
) -> dict[str, T]:
    """``work(document)`` for each document in turn, by document id, a failing one isolated as :func:`isolating`
    does (for work done a document at a time, where one call for all would gain nothing)."""
    found: dict[str, T] = {}
    for document in documents:
        found |= isolating(lambda alone: {d.id: work(d) for d in alone}, [document], failures)
    return found
