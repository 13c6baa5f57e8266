"""An ingested document."""

from __future__ import annotations

from typing import Any

import strawberry

from api.disclosure import public_source
from api.graphql.context import TrellisInfo
from api.graphql.limits import page_size
from api.graphql.types.chunk import Chunk

__all__ = ["Document"]


@strawberry.type(description="An ingested document with its chunks.")
class Document:
    id: strawberry.ID
    title: str | None
    stored_source: strawberry.Private[str | None]
    sha256: str | None
    ingested_at: str | None
    chunk_count: int

    @strawberry.field(
        description="Where it came from: its path, or in production and for read keys only the file's name."
    )
    def source(self, info: TrellisInfo) -> str | None:
        return self.stored_source if info.context.shows_internals else public_source(self.stored_source)

    @strawberry.field(description="Its chunks in reading order (at most 100).")
    async def chunks(self, info: TrellisInfo, first: int = 10) -> list[Chunk]:
        from api.graphql.dataloaders import CHUNKS_PER_DOCUMENT

        first = page_size(first, name="first", most=CHUNKS_PER_DOCUMENT)
        rows = await info.context.loaders.document_chunks.load(str(self.id))
        return [Chunk.from_row(row) for row in rows[:first]]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Document:
        return cls(
            id=strawberry.ID(row["id"]),
            title=row.get("title"),
            stored_source=row.get("source"),
            sha256=row.get("sha256"),
            ingested_at=row.get("ingested_at"),
            chunk_count=int(row.get("chunks") or 0),
        )
