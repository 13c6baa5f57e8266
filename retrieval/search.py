"""Candidate passages: dense search in the chunk vectors (FAISS, or Neo4j's vector index: ``vector_backend``) and
Neo4j full-text search over ``chunk_text``, fused with reciprocal rank fusion.

:meth:`PassageSearch.run` makes one Neo4j round trip: the full-text hits and the passages of every candidate
(``retrieval_chunk_fulltext_passages``), instead of a full-text query and then a passage fetch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from trellis.kg.graph import GraphStore
from trellis.kg.vectors import VectorSearch
from trellis.retrieval.lucene import terms_query
from trellis.retrieval.types import Passage

__all__ = ["RRF_K", "PassageSearch", "fetch_document_passages", "fetch_passages", "reciprocal_rank_fusion"]

logger = logging.getLogger(__name__)

RRF_K = 60
"""The constant of reciprocal rank fusion (Cormack et al., 2009): an item at rank r scores 1 / (RRF_K + r)."""


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Fuse ranked id lists (best first): each id scores the sum of ``weight / (k + rank)``, rank counted from 1.

    The result is ordered best first; ties keep the order in which the ids first appeared.
    """
    if weights is not None and len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    for position, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[position]
        for rank, item in enumerate(dict.fromkeys(ranking), start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = sorted(scores, key=lambda item: -scores[item])
    return {item: scores[item] for item in order}


def _passage(row: Mapping[str, Any]) -> Passage:
    return Passage(
        chunk_id=row["id"],
        document_id=row["document_id"],
        text=row["text"] or "",
        title=row["title"],
        section=row.get("section"),
        index=row["index"],
    )


def fetch_passages(store: GraphStore, ids: Iterable[str]) -> dict[str, Passage]:
    """The chunks of ``ids`` as passages with their text and document title, keyed by chunk id."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    return {row["id"]: _passage(row) for row in store.query("retrieval_chunks", ids=wanted)}


def fetch_document_passages(store: GraphStore, documents: Sequence[str], *, limit: int = 500) -> list[Passage]:
    """The passages of whole documents in reading order, at most ``limit`` in all."""
    if not documents:
        return []
    return [_passage(row) for row in store.query("retrieval_document_passages", documents=list(documents), limit=limit)]


class PassageSearch:
    """Hybrid passage search: dense (FAISS or Neo4j's vector index) and full-text (Neo4j), fused by RRF."""

    def __init__(self, *, store: GraphStore, index: VectorSearch, candidates: int = 20, rrf_k: int = RRF_K) -> None:
        self.store = store
        self.index = index
        self.candidates = candidates
        self.rrf_k = rrf_k

    def dense(self, vector: np.ndarray) -> list[tuple[str, float]]:
        """The nearest chunks to the question vector, best first, with cosine scores (none from an empty index)."""
        return self.index.search(vector.reshape(1, -1), self.candidates)[0]

    def fulltext(self, question: str) -> list[tuple[str, float]]:
        """The chunks whose text best matches the question's words (escaped for Lucene), with Lucene scores."""
        query = terms_query(question)
        if not query:
            return []
        rows = self.store.query("retrieval_chunk_fulltext", query=query, limit=self.candidates)
        return [(row["id"], float(row["score"])) for row in rows]

    def fulltext_with_passages(
        self, question: str, ids: Sequence[str]
    ) -> tuple[list[tuple[str, float]], dict[str, Passage]]:
        """:meth:`fulltext`'s hits, and the passages of those chunks and of ``ids``, in one round trip."""
        query = terms_query(question)
        if not query:
            return [], fetch_passages(self.store, ids)
        rows = self.store.query("retrieval_chunk_fulltext_passages", query=query, limit=self.candidates, ids=list(ids))
        hits = sorted(
            ((row["id"], float(row["fulltext"])) for row in rows if row["fulltext"] is not None),
            key=lambda hit: (-hit[1], hit[0]),
        )
        return hits, {row["id"]: _passage(row) for row in rows}

    def run(self, question: str, vector: np.ndarray) -> list[Passage]:
        """Candidate passages for the question, best first by RRF, each with its dense and full-text scores."""
        dense = self.dense(vector)
        text, found = self.fulltext_with_passages(question, [i for i, _ in dense])
        fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in text]], k=self.rrf_k)
        return _scored(fused, found, dict(dense), dict(text))

    def fulltext_many(self, texts: Sequence[str]) -> list[list[Passage]]:
        """Full-text searches of several texts in one Neo4j round trip (``retrieval_chunk_fulltext_many``): for each
        text, its passages best first, each with its Lucene score as ``fulltext`` and ``score``."""
        queries = [terms_query(text) for text in texts]
        asked = [position for position, query in enumerate(queries) if query]
        results: list[list[Passage]] = [[] for _ in texts]
        if not asked:
            return results
        rows = self.store.query(
            "retrieval_chunk_fulltext_many", queries=[queries[p] for p in asked], limit=self.candidates
        )
        for row in rows:
            passage = _passage(row)
            for position, score in row["fulltext"]:
                hit = passage.model_copy(update={"fulltext": float(score), "score": float(score)})
                results[asked[position]].append(hit)
        for hits in results:
            hits.sort(key=lambda p: (-p.score, p.chunk_id))
        return results


def _scored(
    fused: Mapping[str, float], found: Mapping[str, Passage], dense: Mapping[str, float], text: Mapping[str, float]
) -> list[Passage]:
    passages = []
    for chunk_id, score in fused.items():
        passage = found.get(chunk_id)
        if passage is None:  # in FAISS but gone from Neo4j: the indexes disagree; skip it
            logger.warning("chunk %s is in the vector index but not in Neo4j", chunk_id)
            continue
        passages.append(
            passage.model_copy(update={"dense": dense.get(chunk_id), "fulltext": text.get(chunk_id), "score": score})
        )
    return passages
