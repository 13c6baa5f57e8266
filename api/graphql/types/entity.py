"""An entity of the graph (a person, place, organisation, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import TrellisInfo
from api.graphql.fields import field
from api.graphql.limits import page_size
from api.services.types import GraphEntity
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

    @field(description="Its relations to other entities, most confident first (at most 50).")
    async def relations(
        self, info: TrellisInfo, first: int = 10
    ) -> list[Annotated[Relation, strawberry.lazy("api.graphql.types.relation")]]:
        from api.graphql.dataloaders import RELATIONS_PER_ENTITY
        from api.graphql.types.relation import Relation

        first = page_size(first, name="first", most=RELATIONS_PER_ENTITY)
        facts = await info.context.loaders.relations.load(str(self.id))
        return [Relation.from_domain(fact) for fact in facts[:first]]

    @classmethod
    def from_domain(cls, entity: GraphEntity | LinkedEntity) -> Entity:
        aliases = list(entity.aliases) if isinstance(entity, GraphEntity) else []
        return cls(id=strawberry.ID(entity.id), name=entity.name or entity.id, type=entity.type, aliases=aliases)
