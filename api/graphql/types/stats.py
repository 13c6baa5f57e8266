"""What the graph and the vector indexes hold."""

from __future__ import annotations

from typing import Any

import strawberry

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
    def from_row(cls, row: dict[str, Any], *, chunk_vectors: int, entity_vectors: int) -> Stats:
        return cls(
            documents=int(row["documents"]),
            chunks=int(row["chunks"]),
            entities=int(row["entities"]),
            relationships=int(row["relationships"]),
            chunk_vectors=chunk_vectors,
            entity_vectors=entity_vectors,
        )
