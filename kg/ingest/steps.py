"""The work done on documents before resolution, one function per step, shared by every way of running an ingest.

The single-process pipeline (:mod:`kg.ingest.pipeline`) calls these in its threads; the Ray stages
(:mod:`kg.ingest.distributed.stages`) call the same functions in their actors, so both paths chunk, extract and
embed a document alike and fail it for the same reasons. A step that fails one document returns its failure and
leaves the others alone; a failure to reach Neo4j (:class:`~kg.errors.GraphError`) is never one document's fault
and is raised.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kg.errors import GraphError, TrellisError
from kg.ingest.chunking import Chunker
from kg.ingest.extraction import Extractor, LLMExtractor, SpacyExtractor
from kg.ingest.loaders import LoadFailure
from kg.settings import Settings
from kg.types import Chunk, Document, ExtractionResult
from kg.vectors import Embedder

__all__ = ["chunk_or_failure", "embed_chunks", "extract_isolating", "extractor_from"]


def extractor_from(settings: Settings) -> Extractor:
    """spaCy by default; a LangChain chat model when ``llm_extraction`` is on."""
    if not settings.llm_extraction:
        return SpacyExtractor.from_settings(settings)
    return LLMExtractor.from_settings(settings)


def chunk_or_failure(chunker: Chunker, document: Document) -> list[Chunk] | LoadFailure:
    """The document's chunks, or the failure that says why it cannot be chunked (too long, repeating itself)."""
    try:
        return chunker.run(document)
    except GraphError:
        raise
    except TrellisError as exc:
        return LoadFailure(source=document.source, reason=str(exc))


def extract_isolating(
    extractor: Extractor,
    documents: Sequence[Document],
    chunks: dict[str, list[Chunk]],
    failures: list[LoadFailure],
) -> dict[str, ExtractionResult]:
    """Each chunk's extraction, all documents in one call; when that fails, each document is extracted alone and
    the one that fails is added to ``failures`` (its chunks are then missing from the result)."""
    try:
        everything = [chunk for document in documents for chunk in chunks[document.id]]
        return {result.chunk_id: result for result in extractor.extract(everything)}
    except GraphError:
        raise
    except TrellisError as exc:
        if len(documents) == 1:
            failures.append(LoadFailure(source=documents[0].source, reason=str(exc)))
            return {}
        found: dict[str, ExtractionResult] = {}
        for document in documents:
            found |= extract_isolating(extractor, [document], chunks, failures)
        return found


def embed_chunks(embedder: Embedder, chunks: Sequence[Chunk]) -> np.ndarray:
    """One row per chunk, in order, from one call of the embedder (it sorts the texts by length and batches them)."""
    return embedder.embed([chunk.text for chunk in chunks]) if chunks else np.empty((0, 0))
