"""An ingested document and its chunks (each names the other, so they share a module)."""

from __future__ import annotations

import strawberry

from trellis.api.disclosure import public_source
from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.fields import field
from trellis.api.graphql.limits import page_size
from trellis.api.services.types import StoredDocument
from trellis.retrieval.types import Passage

__all__ = ["Chunk", "Document"]


@strawberry.type(description="An ingested document with its chunks.")
class Document:
    id: strawberry.ID
    title: str | None
    stored_source: strawberry.Private[str | None]
    sha256: str | None
    ingested_at: str | None
    chunk_count: int

    @field(description="Where it came from: its path, or in production and for read keys only the file's name.")
    def source(self, info: TrellisInfo) -> str | None:
        return self.stored_source if info.context.shows_internals else public_source(self.stored_source)

    @field(description="Its chunks in reading order (at most 100).")
    async def chunks(self, info: TrellisInfo, first: int = 10) -> list[Chunk]:
        from trellis.api.graphql.dataloaders import CHUNKS_PER_DOCUMENT

        first = page_size(first, name="first", most=CHUNKS_PER_DOCUMENT)
        passages = await info.context.loaders.document_chunks.load(str(self.id))
        return [Chunk.from_domain(passage) for passage in passages[:first]]

    @classmethod
    def from_domain(cls, document: StoredDocument) -> Document:
        return cls(
            id=strawberry.ID(document.id),
            title=document.title,
            stored_source=document.source,
            sha256=document.sha256,
            ingested_at=document.ingested_at,
            chunk_count=document.chunks,
        )


@strawberry.type(description="A passage of a document's text.")
class Chunk:
    id: strawberry.ID
    document_id: str
    index: int | None
    text: str

    @field(description="The document the chunk belongs to.")
    async def document(self, info: TrellisInfo) -> Document | None:
        found = await info.context.loaders.documents.load(self.document_id)
        return None if found is None else Document.from_domain(found)

    @classmethod
    def from_domain(cls, passage: Passage) -> Chunk:
        return cls(
            id=strawberry.ID(passage.chunk_id), document_id=passage.document_id, index=passage.index, text=passage.text
        )
