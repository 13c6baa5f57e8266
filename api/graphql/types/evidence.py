"""A chunk that supports a relation."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.fields import field
from trellis.api.graphql.types.document import Chunk
from trellis.retrieval.types import Evidence as DomainEvidence

__all__ = ["Evidence"]


@strawberry.type(description="A chunk that supports a relation, and its document.")
class Evidence:
    chunk_id: str
    document_id: str | None

    @field(description="The supporting chunk.")
    async def chunk(self, info: TrellisInfo) -> Chunk | None:
        passage = await info.context.loaders.chunks.load(self.chunk_id)
        return None if passage is None else Chunk.from_domain(passage)

    @classmethod
    def from_domain(cls, evidence: DomainEvidence) -> Evidence:
        return cls(chunk_id=evidence.chunk_id, document_id=evidence.document_id)
