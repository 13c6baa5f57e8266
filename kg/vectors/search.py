"""What retrieval needs of a vector store, and which one the settings name.

:class:`VectorSearch` is the contract: nearest ids of query vectors, the stored vectors of ids, and a size. Two
backends keep it: :class:`~kg.vectors.index.VectorIndex` (FAISS in this process, read from the index folder; the
default, and the one on GPUs) and :class:`~kg.vectors.neo4j_search.Neo4jVectorSearch` (the server's own vector
indexes, shared by every process; ``TRELLIS_VECTOR_BACKEND=neo4j``). The ingest writes both: the embeddings on the
Neo4j nodes and the FAISS files, so either backend can answer from the same graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings
from trellis.kg.vectors.index import SearchHit, open_indexes
from trellis.kg.vectors.neo4j_search import Neo4jVectorSearch

__all__ = ["VectorSearch", "open_vector_search"]


class VectorSearch(Protocol):
    """Nearest neighbours by string id over unit vectors; scores are cosines, best first."""

    def __len__(self) -> int:
        """How many vectors the store holds."""
        ...

    def search(self, vectors: np.ndarray, k: int) -> list[list[SearchHit]]:
        """The ``k`` best ``(id, score)`` of each query vector (one list per row)."""
        ...

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those of ``ids`` the store holds, by id."""
        ...


def open_vector_search(settings: Settings, store: GraphStore) -> tuple[VectorSearch, VectorSearch]:
    """The chunk and the entity search of ``settings.vector_backend``: the FAISS indexes saved in the index folder
    (empty ones when none was saved yet), or Neo4j's vector indexes through ``store`` (nothing is read here)."""
    if settings.vector_backend == "neo4j":
        dimensions = settings.embedding_dimensions
        return (
            Neo4jVectorSearch(store, target="chunks", dimensions=dimensions),
            Neo4jVectorSearch(store, target="entities", dimensions=dimensions),
        )
    return open_indexes(settings)
