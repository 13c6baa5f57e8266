"""An entity of the graph (a person, place, organisation, ...) and the typed relations between entities, with
their provenance (each names the other, so they share a module)."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.fields import field
from trellis.api.graphql.limits import page_size
from trellis.api.graphql.types.evidence import Evidence
from trellis.api.services.types import GraphEntity
from trellis.retrieval.types import Fact, LinkedEntity

__all__ = ["Entity", "Relation"]


@strawberry.type(description="An entity of the graph; its relations come with their provenance.")
class Entity:
    id: strawberry.ID
    name: str
    type: str | None
    aliases: list[str]

    @field(description="Its relations to other entities, most confident first (at most 50).")
    async def relations(self, info: TrellisInfo, first: int = 10) -> list[Relation]:
        from trellis.api.graphql.dataloaders import RELATIONS_PER_ENTITY

        first = page_size(first, name="first", most=RELATIONS_PER_ENTITY)
        facts = await info.context.loaders.relations.load(str(self.id))
        return [Relation.from_domain(fact) for fact in facts[:first]]

    @classmethod
    def from_domain(cls, entity: GraphEntity | LinkedEntity) -> Entity:
        aliases = list(entity.aliases) if isinstance(entity, GraphEntity) else []
        return cls(id=strawberry.ID(entity.id), name=entity.name or entity.id, type=entity.type, aliases=aliases)


@strawberry.type(description="A typed relation (subject -[predicate]-> object) with the chunks that support it.")
class Relation:
    subject: Entity
    predicate: str
    object: Entity
    confidence: float
    evidence: list[Evidence]
    triple: str

    @classmethod
    def from_domain(cls, fact: Fact) -> Relation:
        return cls(
            subject=Entity(id=strawberry.ID(fact.subject_id), name=fact.subject, type=fact.subject_type, aliases=[]),
            predicate=fact.predicate,
            object=Entity(id=strawberry.ID(fact.object_id), name=fact.object, type=fact.object_type, aliases=[]),
            confidence=fact.confidence,
            evidence=[Evidence.from_domain(e) for e in fact.evidence],
            triple=fact.triple,
        )
