"""An edge of a subgraph or a path: a relation, or a chunk's mention of an entity."""

from __future__ import annotations

import strawberry

from trellis.retrieval.types import GraphEdge as DomainEdge

__all__ = ["GraphEdge"]


@strawberry.type(description="A relation between two nodes, with the chunk ids that support it.")
class GraphEdge:
    source: str
    target: str
    type: str
    confidence: float | None
    evidence: list[str]

    @classmethod
    def from_domain(cls, edge: DomainEdge) -> GraphEdge:
        return cls(
            source=edge.source,
            target=edge.target,
            type=edge.type,
            confidence=edge.confidence,
            evidence=list(edge.evidence),
        )
