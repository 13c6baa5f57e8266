"""What the graph and the vector indexes hold."""

from __future__ import annotations

import strawberry

from trellis.api.services.status import GraphStats

__all__ = ["Stats"]


@strawberry.type(description="Counts of the graph and of the vector indexes.")
class Stats:
    documents: int
    chunks: int
    entities: int
    relationships: int
    chunk_vectors: int
    entity_vectors: int

    @classmethod
    def from_domain(cls, stats: GraphStats) -> Stats:
        return cls(**stats.model_dump())
