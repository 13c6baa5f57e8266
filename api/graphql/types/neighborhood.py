"""The entities around an entity, and the relations among them."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.types.entity import Entity
from trellis.api.graphql.types.graph_edge import GraphEdge
from trellis.api.services.types import Neighbour, Neighbourhood

__all__ = ["Neighbor", "Neighborhood"]


@strawberry.type(description="An entity near another one, and how many relations away.")
class Neighbor:
    entity: Entity
    distance: int

    @classmethod
    def from_domain(cls, neighbour: Neighbour) -> Neighbor:
        return cls(entity=Entity.from_domain(neighbour.entity), distance=neighbour.distance)


@strawberry.type(description="An entity, the entities within some hops of it, and the relations among them all.")
class Neighborhood:
    center: Entity
    neighbors: list[Neighbor]
    relations: list[GraphEdge]

    @classmethod
    def from_domain(cls, found: Neighbourhood) -> Neighborhood:
        return cls(
            center=Entity.from_domain(found.center),
            neighbors=[Neighbor.from_domain(neighbour) for neighbour in found.neighbours],
            relations=[GraphEdge.from_domain(edge) for edge in found.relations],
        )
