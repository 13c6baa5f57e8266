"""The entities around an entity, and the relations among them."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.types.entity import Entity
from api.graphql.types.graph_edge import GraphEdge

__all__ = ["Neighbor", "Neighborhood"]


@strawberry.type(description="An entity near another one, and how many relations away.")
class Neighbor:
    entity: Entity
    distance: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Neighbor:
        return cls(entity=Entity.from_row(row), distance=int(row["distance"]))


@strawberry.type(description="An entity, the entities within some hops of it, and the relations among them all.")
class Neighborhood:
    center: Entity
    neighbors: list[Neighbor]
    relations: list[GraphEdge]
