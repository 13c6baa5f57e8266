"""An entity of the graph (a person, place, organisation, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.graphql.context import TrellisInfo
from api.graphql.limits import page_size
from retrieval.types import LinkedEntity

if TYPE_CHECKING:
    from api.graphql.types.relation import Relation

__all__ = ["Entity"]


@strawberry.type(description="An entity of the graph; its relations come with their provenance.")
class Entity:
    id: strawberry.ID
    name: str
    type: str | None
    aliases: list[str]

    @strawberry.field(description="Its relations to other entities, most confident first (at most 50).")
    async def relations(
        self, info: TrellisInfo, first: int = 10
    ) -> list[Annotated[Relation, strawberry.lazy("api.graphql.types.relation")]]:
        from api.graphql.dataloaders import RELATIONS_PER_ENTITY
        from api.graphql.types.relation import Relation

        first = page_size(first, name="first", most=RELATIONS_PER_ENTITY)
        rows = await info.context.loaders.relations.load(str(self.id))
        return [Relation.from_row(row) for row in rows[:first]]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Entity:
        return cls(
            id=strawberry.ID(row["id"]),
            name=row.get("name") or row["id"],
            type=row.get("type"),
            aliases=list(row.get("aliases") or []),
        )

    @classmethod
    def from_domain(cls, entity: LinkedEntity) -> Entity:
        return cls(id=strawberry.ID(entity.id), name=entity.name, type=entity.type, aliases=[])
