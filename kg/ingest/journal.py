"""The batch in flight between Neo4j and FAISS, written down, so that a crash between the two is found and repaired.

A batch lands in Neo4j in one transaction and then in the FAISS files; a process killed between the two (or while
saving the second file) would leave Neo4j holding chunks that FAISS does not, and the next ingest would skip those
documents as unchanged. So the writer notes the batch before its Neo4j transaction (:func:`begin`) and clears the
note once both FAISS files are saved (:func:`end`). Whoever takes the index lock next (an ingest, a delete,
``trellis index check``, an API starting) calls :func:`repair`: when a note is there, FAISS is made to hold exactly
the chunk and entity ids Neo4j holds, with the vectors stored on the nodes, and the note is cleared. Neo4j is the
truth: its transaction either committed (its vectors are on its nodes) or did not.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence

import numpy as np
from pydantic import BaseModel

from trellis.kg.graph import GraphStore, Record
from trellis.kg.settings import Settings
from trellis.kg.vectors.index import VectorIndex

__all__ = ["Repair", "begin", "end", "graph_ids", "pages", "pending", "repair"]

logger = logging.getLogger(__name__)

_FILE = "batch.journal"
_PAGE = 5000


class Repair(BaseModel):
    """What :func:`repair` changed in FAISS after an interrupted batch."""

    documents: list[str]
    added: int
    removed: int


def begin(settings: Settings, document_ids: Sequence[str]) -> None:
    """Note the batch about to be written (durably: written, synced and renamed into place)."""
    path = settings.index_dir / _FILE
    temporary = path.with_suffix(".tmp")
    with temporary.open("w") as handle:
        json.dump({"documents": list(document_ids), "pid": os.getpid()}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def end(settings: Settings) -> None:
    """The batch is in Neo4j and in both FAISS files: clear the note."""
    (settings.index_dir / _FILE).unlink(missing_ok=True)


def pending(settings: Settings) -> list[str] | None:
    """The documents of a batch that was being written when its process stopped, or None."""
    try:
        noted = json.loads((settings.index_dir / _FILE).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return []  # a note cut short: a batch was in flight, which one is unknown
    documents = noted.get("documents") if isinstance(noted, dict) else None
    return [str(d) for d in documents] if isinstance(documents, list) else []


def pages(store: GraphStore, query: str) -> Iterator[list[Record]]:
    """The rows of a query paged by id (``$after``, ``$limit``: ``chunk_ids``, ``chunk_embeddings``, ...)."""
    after = ""
    while rows := store.query(query, after=after, limit=_PAGE):
        yield rows
        after = str(rows[-1]["id"])


def graph_ids(store: GraphStore, query: str) -> set[str]:
    """Every id a paged id query (``chunk_ids``, ``entity_ids``) returns."""
    return {str(row["id"]) for page in pages(store, query) for row in page}


def repair(settings: Settings, store: GraphStore, chunk_index: VectorIndex, entity_index: VectorIndex) -> Repair | None:
    """When a batch was left in flight, make both FAISS indexes hold exactly Neo4j's ids and save them; None when
    nothing was left. Call it holding the index lock."""
    documents = pending(settings)
    if documents is None:
        return None
    added = removed = 0
    for index, ids_query, vectors_query in (
        (chunk_index, "chunk_ids", "chunk_embeddings_of"),
        (entity_index, "entity_ids", "entity_embeddings_of"),
    ):
        graph = graph_ids(store, ids_query)
        held = index.ids()
        removed += index.remove(held - graph)
        missing = sorted(graph - held)
        for start in range(0, len(missing), _PAGE):
            rows = store.query(vectors_query, ids=missing[start : start + _PAGE])
            if rows:
                vectors = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
                index.add([str(row["id"]) for row in rows], vectors.reshape(len(rows), index.dimensions))
                added += len(rows)
        index.save()
    end(settings)
    logger.warning(
        "repaired the vector indexes after an interrupted batch of %d documents: %d vectors added, %d removed",
        len(documents),
        added,
        removed,
    )
    return Repair(documents=documents, added=added, removed=removed)
