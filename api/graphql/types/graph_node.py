"""A node of an answer's subgraph."""

from __future__ import annotations

import strawberry

from trellis.retrieval.types import GraphNode as DomainNode

__all__ = ["GraphNode"]


@strawberry.type(description="An entity or chunk of a subgraph; score is its personalized PageRank.")
class GraphNode:
    id: str
    kind: str
    name: str
    type: str | None
    score: float

    @classmethod
    def from_domain(cls, node: DomainNode) -> GraphNode:
        return cls(id=node.id, kind=node.kind, name=node.name, type=node.type, score=node.score)
