"""A shortest path between two entities."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.types.entity import Entity
from trellis.api.graphql.types.graph_edge import GraphEdge
from trellis.api.services.types import EntityPath

__all__ = ["Path"]


@strawberry.type(description="A shortest path of relations between two entities.")
class Path:
    nodes: list[Entity]
    edges: list[GraphEdge]
    length: int

    @classmethod
    def from_domain(cls, path: EntityPath) -> Path:
        return cls(
            nodes=[Entity.from_domain(node) for node in path.nodes],
            edges=[GraphEdge.from_domain(edge) for edge in path.edges],
            length=path.length,
        )
