"""An edge of a subgraph or a path: a relation, or a chunk's mention of an entity."""

from __future__ import annotations

from typing import Any

import strawberry

from retrieval.types import GraphEdge as DomainEdge

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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> GraphEdge:
        confidence = row.get("confidence")
        return cls(
            source=row["source"],
            target=row["target"],
            type=row["type"],
            confidence=None if confidence is None else float(confidence),
            evidence=list(row.get("evidence") or []),
        )
