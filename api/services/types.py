"""What the services return: plain models that each interface turns into its own shapes.

Passages, facts and graph edges are retrieval's own models (:mod:`retrieval.types`); these add what only the
interfaces read: entities as stored, their neighbourhoods and paths, pages, documents, and how an ingest ended.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from trellis.retrieval.types import GraphEdge

__all__ = [
    "EntityPage",
    "EntityPath",
    "GraphEntity",
    "IngestOutcome",
    "Neighbour",
    "Neighbourhood",
    "StoredDocument",
]


class GraphEntity(BaseModel):
    """An entity as the graph holds it: id, name, type and aliases."""

    id: str
    name: str = ""
    type: str | None = None
    aliases: list[str] = Field(default_factory=list)

    @field_validator("name", mode="before")
    @classmethod
    def _unnamed(cls, value: Any) -> Any:
        return "" if value is None else value  # a node without a name still reads (interfaces show its id)


class Neighbour(BaseModel):
    """An entity near another one, and how many relations away."""

    entity: GraphEntity
    distance: int


class Neighbourhood(BaseModel):
    """An entity, the entities within ``hops`` relations of it (nearest first) and the relations among them all."""

    center: GraphEntity
    hops: int
    neighbours: list[Neighbour]
    relations: list[GraphEdge]


class EntityPath(BaseModel):
    """A shortest chain of relations between two entities: its entities in order and the relations between them."""

    nodes: list[GraphEntity]
    edges: list[GraphEdge]

    @property
    def length(self) -> int:
        return len(self.edges)


class EntityPage(BaseModel):
    """One page of entities ordered by id, whether another follows, and how many match in all."""

    entities: list[GraphEntity]
    has_next_page: bool
    total_count: int


class StoredDocument(BaseModel):
    """An ingested document: id, title, where it came from, its content hash, when, and how many chunks."""

    id: str
    title: str | None = None
    source: str | None = None
    sha256: str | None = None
    ingested_at: str | None = None
    chunks: int = 0


class IngestOutcome(BaseModel):
    """How an ingest of sent documents ended: documents written, unchanged, failed, chunks written, and why each
    failure failed (without server paths)."""

    written: int
    skipped: int
    failed: int
    chunks: int
    failures: list[str] = Field(default_factory=list)
