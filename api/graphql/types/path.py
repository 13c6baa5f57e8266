"""A shortest path between two entities."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.types.entity import Entity
from api.graphql.types.graph_edge import GraphEdge

__all__ = ["Path"]


@strawberry.type(description="A shortest path of relations between two entities.")
class Path:
    nodes: list[Entity]
    edges: list[GraphEdge]
    length: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Path:
        edges = [GraphEdge.from_row(edge) for edge in row["edges"]]
        return cls(nodes=[Entity.from_row(node) for node in row["nodes"]], edges=edges, length=len(edges))
