"""Neo4j and FAISS hold the same ids: prove it (``trellis index check``, after repairing a batch a crash left
half-written: :mod:`kg.ingest.journal`) or make it so (``trellis index rebuild``). With the neo4j vector backend the
check is of Neo4j's own vector indexes instead: online, of the embedder's size, holding every stored embedding."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from trellis.kg.graph import GraphStore
from trellis.kg.ingest import journal
from trellis.kg.lock import index_lock
from trellis.kg.settings import Settings
from trellis.kg.vectors.index import open_indexes
from trellis.kg.vectors.neo4j_search import Neo4jVectorSearch, Target

__all__ = ["IndexCheck", "check_indexes", "check_vector_indexes", "rebuild_indexes", "repair_pending"]


class IndexCheck(BaseModel):
    """How the ids of one vector index compare with the graph."""

    name: str
    graph: int
    index: int
    missing_from_index: list[str]
    missing_from_graph: list[str]
    backend: str = "faiss"  # what was compared with the graph: the FAISS files, or "neo4j" (its vector indexes)

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
    """Compare the chunk ids (and entity ids with embeddings) of Neo4j and FAISS; with the neo4j vector backend,
    check Neo4j's vector indexes (:func:`check_vector_indexes`)."""
    if settings.vector_backend == "neo4j":
        return check_vector_indexes(settings, store)
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


def check_vector_indexes(settings: Settings, store: GraphStore) -> list[IndexCheck]:
    """Neo4j's chunk and entity vector indexes: each must exist, be online and be of the embedder's size
    (VectorIndexError says which is not); an embedding of another size, which the index leaves out, is reported as
    missing from it."""
    dimensions = settings.embedding_dimensions
    (misfits,) = store.query("vector_misfits", dimensions=dimensions, limit=20)
    checks = []
    targets: tuple[tuple[Target, str], ...] = (("chunks", "chunk_ids"), ("entities", "entity_ids"))
    for target, ids in targets:
        search = Neo4jVectorSearch(store, target=target, dimensions=dimensions)
        if (problem := search.diagnose(dimensions)) is not None:
            raise problem
        described = search.describe()
        checks.append(
            IndexCheck(
                name=target,
                graph=described["count"],
                index=described["count"] - misfits[target],
                missing_from_index=list(misfits[ids]),
                missing_from_graph=[],
                backend="neo4j",
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
                vectors += [list(row["embedding"]) for row in page]
            matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), index.dimensions)
            index.rebuild(ids, matrix)
            index.save()
            counts[name] = len(ids)
    return counts
