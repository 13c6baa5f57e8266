"""A chunk: a passage of a document's text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import TrellisInfo
from api.graphql.fields import field
from retrieval.types import Passage

if TYPE_CHECKING:
    from api.graphql.types.document import Document

__all__ = ["Chunk"]


@strawberry.type(description="A passage of a document's text.")
class Chunk:
    id: strawberry.ID
    document_id: str
    index: int | None
    text: str

    @field(description="The document the chunk belongs to.")
    async def document(
        self, info: TrellisInfo
    ) -> Annotated[Document, strawberry.lazy("api.graphql.types.document")] | None:
        from api.graphql.types.document import Document

        found = await info.context.loaders.documents.load(self.document_id)
        return None if found is None else Document.from_domain(found)

    @classmethod
    def from_domain(cls, passage: Passage) -> Chunk:
        return cls(
            id=strawberry.ID(passage.chunk_id), document_id=passage.document_id, index=passage.index, text=passage.text
        )
