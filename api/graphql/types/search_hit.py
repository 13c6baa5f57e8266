"""A passage found by hybrid search."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.types.document import Chunk
from trellis.retrieval.types import Passage

__all__ = ["SearchHit"]


@strawberry.type(description="A passage found by dense and full-text search, fused by reciprocal rank fusion.")
class SearchHit:
    chunk: Chunk
    title: str | None
    score: float
    dense: float | None = strawberry.field(description="Cosine similarity in FAISS (null: not found there).")
    fulltext: float | None = strawberry.field(description="Lucene score in Neo4j (null: not found there).")

    @classmethod
    def from_domain(cls, passage: Passage) -> SearchHit:
        return cls(
            chunk=Chunk.from_domain(passage),
            title=passage.title,
            score=passage.score,
            dense=passage.dense,
            fulltext=passage.fulltext,
        )
