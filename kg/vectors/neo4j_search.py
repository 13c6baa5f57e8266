"""Dense search through Neo4j's own vector indexes (``TRELLIS_VECTOR_BACKEND=neo4j``).

The schema creates ``chunk_embedding`` and ``entity_embedding`` (HNSW, cosine) over the embeddings the ingest stores
on every chunk and entity, so the server already holds a vector index that every process shares: an API process
keeps nothing in memory and loads nothing, and a document another process ingested is found by the next search.
Searches are reads, run by the store in read access mode, so a routing driver (``neo4j://``) sends them to a
cluster's secondaries.

Neo4j's index is approximate (HNSW; over quantized vectors too where it was made with Neo4j's defaults), and
it searches no wider than the neighbours asked of it: each search asks for :data:`OVERSAMPLE` times ``k``
candidates, scores them again exactly against their stored embeddings (``vector.similarity.cosine`` in the same
query) and keeps the best ``k``. Scores come back as FAISS gives them, the cosine (Neo4j's are
``(1 + cosine) / 2``).

Nothing is checked when a search is opened; when a search fails, :meth:`Neo4jVectorSearch.diagnose` says why in
one :class:`~kg.errors.VectorIndexError` (the index is missing, not online, or of another size); any other failure
stays the store's error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from trellis.kg.errors import QueryError, VectorIndexError
from trellis.kg.graph import GraphStore
from trellis.kg.vectors.index import SearchHit

__all__ = ["OVERSAMPLE", "Neo4jVectorSearch", "Target"]

logger = logging.getLogger(__name__)

Target = Literal["chunks", "entities"]
OVERSAMPLE = 8
"""Candidates asked of the approximate index per hit kept, before the exact scores choose (benchmarks/vector_backend.py
measures the recall this buys)."""


@dataclass(frozen=True)
class _Queries:
    index: str  # the vector index in cypher/schema.cypher
    search: str  # the named queries that use it
    vectors: str


_TARGETS: dict[Target, _Queries] = {
    "chunks": _Queries(index="chunk_embedding", search="vector_search_chunks", vectors="chunk_embeddings_of"),
    "entities": _Queries(index="entity_embedding", search="vector_search_entities", vectors="entity_embeddings_of"),
}


class Neo4jVectorSearch:
    """The chunks or the entities nearest to query vectors, by the Neo4j vector index over their stored embeddings.

    Implements :class:`kg.vectors.search.VectorSearch`; safe to share between threads (the store's driver is).
    """

    def __init__(self, store: GraphStore, *, target: Target, dimensions: int, oversample: int = OVERSAMPLE) -> None:
        if oversample < 1:
            raise ValueError(f"oversample must be at least 1, got {oversample}")
        self.store = store
        self.target = target
        self.dimensions = dimensions
        self.oversample = oversample
        self._queries = _TARGETS[target]

    @property
    def index_name(self) -> str:
        """The Neo4j vector index searched."""
        return self._queries.index

    def __len__(self) -> int:
        """How many vectors the index holds: the chunks (or entities) with a stored embedding (one round trip)."""
        (counts,) = self.store.query("vector_counts")
        return int(counts[self.target])

    def search(self, vectors: np.ndarray, k: int) -> list[list[SearchHit]]:
        """The ``k`` best ``(id, cosine)`` of each query vector, best first (one list per row), in one round trip."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        queries = np.asarray(vectors, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries[None, :]
        if queries.ndim != 2 or not np.isfinite(queries).all():
            raise ValueError(f"expected a 2-d array of finite vectors, got shape {queries.shape}")
        if len(queries) == 0:
            return []
        try:
            rows = self.store.query(self._queries.search, vectors=queries.tolist(), candidates=k * self.oversample)
        except QueryError as exc:
            raise (self.diagnose(queries.shape[1]) or exc) from exc
        results: list[list[SearchHit]] = [[] for _ in range(len(queries))]
        for row in rows:
            results[row["position"]].append((str(row["id"]), 2.0 * float(row["score"]) - 1.0))
        for hits in results:
            hits.sort(key=lambda hit: -hit[1])  # stable: the index's own order among equal scores
        return [hits[:k] for hits in results]

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those of ``ids`` that have one, by id (one round trip)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = self.store.query(self._queries.vectors, ids=wanted)
        return {str(row["id"]): np.asarray(row["embedding"], dtype=np.float32) for row in rows}

    def describe(self) -> dict[str, Any]:
        """Backend, index, state, population and size, for status and check commands (VectorIndexError: missing)."""
        state = self._state()
        if state is None:
            raise self._missing()
        return {
            "kind": "neo4j",
            "index": self.index_name,
            "state": state["state"],
            "population": float(state["population"]),
            "dimensions": _dimensions(state),
            "count": len(self),
        }

    def diagnose(self, dimensions: int | None = None) -> VectorIndexError | None:
        """Why searching the index fails (or would fail) for query vectors of ``dimensions``, as one error; None
        when the index is there, online and of that size."""
        state = self._state()
        if state is None:
            return self._missing()
        if state["state"] != "ONLINE":
            return VectorIndexError(
                f"the Neo4j vector index {self.index_name!r} is {state['state']} ({state['population']:.0f}% "
                "populated): wait until it is ONLINE (`trellis index check` shows it), or drop it and run "
                "`trellis init`"
            )
        held = _dimensions(state)
        if dimensions is not None and held is not None and held != dimensions:
            return VectorIndexError(
                f"vectors of {dimensions} dimensions do not fit the Neo4j vector index {self.index_name!r} of {held}: "
                "the embedding model changed since the graph was built; re-ingest with the current model, or set "
                "TRELLIS_EMBEDDING_MODEL back"
            )
        return None

    def _state(self) -> dict[str, Any] | None:
        rows = self.store.query("vector_index_states")
        return next((row for row in rows if row["name"] == self.index_name), None)

    def _missing(self) -> VectorIndexError:
        return VectorIndexError(
            f"Neo4j has no vector index {self.index_name!r}, which TRELLIS_VECTOR_BACKEND=neo4j searches: run "
            "`trellis init` to create the schema's indexes (the embeddings already on the nodes fill it)"
        )


def _dimensions(state: dict[str, Any]) -> int | None:
    config = (state.get("options") or {}).get("indexConfig") or {}
    value = config.get("vector.dimensions")
    return int(value) if value is not None else None
