"""Neo4j and FAISS hold the same ids: prove it (``trellis index check``, after repairing a batch a crash left
half-written: :mod:`kg.ingest.journal`) or make it so (``trellis index rebuild``)."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from kg.graph import GraphStore
from kg.ingest import journal
from kg.ingest.lock import index_lock
from kg.settings import Settings
from kg.vectors.index import open_indexes

__all__ = ["IndexCheck", "check_indexes", "rebuild_indexes", "repair_pending"]


class IndexCheck(BaseModel):
    """How the ids of one vector index compare with the graph."""

    name: str
    graph: int
    index: int
    missing_from_index: list[str]
    missing_from_graph: list[str]

    @property
    def ok(self) -> bool:
        return not self.missing_from_index and not self.missing_from_graph


def repair_pending(settings: Settings, store: GraphStore) -> journal.Repair | None:
    """Repair a batch a crash left between Neo4j and FAISS (None when there is none), under the index lock."""
    if journal.pending(settings) is None:
        return None
    with index_lock(settings):
        return journal.repair(settings, store, *open_indexes(settings))


def check_indexes(settings: Settings, store: GraphStore) -> list[IndexCheck]:
    """Compare the chunk ids (and entity ids with embeddings) of Neo4j and FAISS."""
    chunk_index, entity_index = open_indexes(settings)
    checks = []
    for name, index, query in (("chunks", chunk_index, "chunk_ids"), ("entities", entity_index, "entity_ids")):
        graph, held = journal.graph_ids(store, query), index.ids()
        checks.append(
            IndexCheck(
                name=name,
                graph=len(graph),
                index=len(held),
                missing_from_index=sorted(graph - held)[:20],
                missing_from_graph=sorted(held - graph)[:20],
            )
        )
    return checks


def rebuild_indexes(settings: Settings, store: GraphStore) -> dict[str, int]:
    """Rebuild both FAISS indexes from the embeddings stored on the Neo4j nodes; returns the vector counts."""
    counts = {}
    with index_lock(settings):
        chunk_index, entity_index = open_indexes(settings)
        for name, index, query in (
            ("chunks", chunk_index, "chunk_embeddings"),
            ("entities", entity_index, "entity_embeddings"),
        ):
            ids: list[str] = []
            vectors: list[list[float]] = []
            for page in journal.pages(store, query):
                ids += [str(row["id"]) for row in page]
                vectors += [list(row["embedding"]) for row in page]  # type: ignore[call-overload]
            matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), index.dimensions)
            index.rebuild(ids, matrix)
            index.save()
            counts[name] = len(ids)
    return counts
