"""A typed relation between two entities, with its provenance (a fact)."""

from __future__ import annotations

import strawberry

from api.graphql.types.entity import Entity
from api.graphql.types.evidence import Evidence
from retrieval.types import Fact

__all__ = ["Relation"]


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
