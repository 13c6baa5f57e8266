"""What entity resolution takes and gives: mentions and known entities in, each mention's entity and the
touched entities out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "EntityStatus",
    "KnownEntity",
    "Match",
    "Mention",
    "Resolution",
    "ResolvedEntity",
    "ResolvedMention",
    "SurfaceForm",
]

Match = Literal["exact", "short_form", "acronym", "embedding", "new"]
"""How a mention found its entity: the same canonical name (or a known alias), a short form of a longer name
("Einstein"), an acronym ("NATO"), an embedding near-duplicate, or none of these (a new entity)."""


EntityStatus = Literal["new", "updated", "unchanged"]
"""Whether the graph lacked an entity (``new``), gains aliases for it (``updated``) or keeps it as is."""


class SurfaceForm(Protocol):
    """Anything with a surface and a type: a :class:`Mention`, or ``kg.types.EntityMention``."""

    @property
    def surface(self) -> str: ...

    @property
    def type(self) -> str: ...


class Mention(BaseModel):
    """A name as written, with the type the extractor gave it (a Neo4j label such as ``Person``)."""

    model_config = ConfigDict(frozen=True)

    surface: str
    type: str


class KnownEntity(BaseModel):
    """An entity already in the graph, as the pipeline loads it from Neo4j."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    embedding: tuple[float, ...] | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> KnownEntity:
        """The entity a ``known_entities`` row describes."""
        embedding = row["embedding"]
        return cls(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            aliases=tuple(row["aliases"]),
            embedding=tuple(embedding) if embedding is not None else None,
        )


class ResolvedEntity(BaseModel):
    """An entity one or more mentions of the batch resolved to, with every alias known for it after the batch.

    ``status`` is ``new`` (not in the catalogue), ``updated`` (known, and the batch added aliases) or
    ``unchanged``.
    ``embedding`` is the name's embedding when the resolver computed one (new entities) or was given one.
    """

    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    status: EntityStatus
    embedding: list[float] | None = None


class ResolvedMention(BaseModel):
    """One input mention and the entity it resolved to, in input order."""

    surface: str
    type: str
    entity_id: str
    name: str
    match: Match


class Resolution(BaseModel):
    """The outcome of resolving a batch: ``mentions[i]`` belongs to the i-th input mention."""

    mentions: list[ResolvedMention] = Field(default_factory=list)
    entities: list[ResolvedEntity] = Field(default_factory=list)

    def entity(self, entity_id: str) -> ResolvedEntity:
        """The resolved entity with this id; raises ``KeyError`` when the batch did not touch it."""
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)

    @property
    def changed(self) -> list[ResolvedEntity]:
        """The entities the writer must create or update (new ones, and known ones that gained aliases)."""
        return [entity for entity in self.entities if entity.status != "unchanged"]
