"""A numbered source of an answer: ``[n]`` in its text means this chunk of this document."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.fields import field
from trellis.api.graphql.types.document import Chunk, Document
from trellis.api.graphql.types.entity import Relation
from trellis.retrieval.types import Citation as DomainCitation
from trellis.retrieval.types import Fact

__all__ = ["Citation"]


@strawberry.type(description="[number] in an answer's text: this chunk of this document (and the relation it backs).")
class Citation:
    number: int
    chunk_id: str
    document_id: str | None
    title: str | None = strawberry.field(description="The cited document's title.")
    section: str | None = strawberry.field(description="The section of the document the chunk is in.")
    relation: Relation | None = strawberry.field(description="A relation of the answer that this chunk supports.")

    @field(description="The cited chunk.")
    async def chunk(self, info: TrellisInfo) -> Chunk | None:
        passage = await info.context.loaders.chunks.load(self.chunk_id)
        return None if passage is None else Chunk.from_domain(passage)

    @field(description="The cited document.")
    async def document(self, info: TrellisInfo) -> Document | None:
        if self.document_id is None:
            return None
        found = await info.context.loaders.documents.load(self.document_id)
        return None if found is None else Document.from_domain(found)

    @classmethod
    def from_domain(cls, citation: DomainCitation, facts: list[Fact]) -> Citation:
        backed = next((f for f in facts if any(e.chunk_id == citation.chunk_id for e in f.evidence)), None)
        return cls(
            number=citation.number,
            chunk_id=citation.chunk_id,
            document_id=citation.document_id,
            title=citation.title,
            section=citation.section,
            relation=None if backed is None else Relation.from_domain(backed),
        )
