"""The shared data types of ingestion: what flows from loaders to chunker to extractor to writer.

Pydantic models, so they validate at the boundaries and serialise to the rows the Cypher queries take.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Chunk",
    "Document",
    "DocumentGraph",
    "EntityMention",
    "EntityRecord",
    "ExtractionResult",
    "MentionRecord",
    "Relation",
    "RelationRecord",
    "chunk_id",
    "document_of",
]


class Document(BaseModel):
    """A loaded, cleaned document. ``id`` is stable for a source; ``sha256`` changes when its text does."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    title: str
    text: str
    sha256: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    ingested_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Chunk(BaseModel):
    """A span of a document's text, ``text == document.text[start:end]``."""

    model_config = ConfigDict(frozen=True)

    id: str
    document_id: str
    index: int
    text: str
    start: int
    end: int
    tokens: int
    section: str | None = None
    """The heading of the document section the chunk is in (None before the first heading, or with none)."""


def chunk_id(document_id: str, index: int) -> str:
    """The id of a document's ``index``-th chunk: the document's id and the index, so a chunk id names its document."""
    return f"{document_id}:{index:05d}"


def document_of(chunk: str) -> str:
    """The id of the document whose chunk has the id ``chunk`` (the inverse of :func:`chunk_id`)."""
    return chunk.rsplit(":", 1)[0]


class EntityMention(BaseModel):
    """An entity as found in a chunk: surface form, type (a Neo4j label, e.g. ``Person``) and offsets in the chunk."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    surface: str
    type: str
    start: int
    end: int


class Relation(BaseModel):
    """A typed relation between two mentions' surfaces, with its evidence sentence and confidence.

    ``predicate`` is UPPER_SNAKE_CASE (``CAPITAL_OF``, ``BORN_IN``); ``CO_OCCURS_WITH`` marks a co-occurrence.
    """

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    evidence: str
    confidence: float = Field(ge=0.0, le=1.0)


class ExtractionResult(BaseModel):
    """Everything the extractor found in one chunk."""

    chunk_id: str
    mentions: list[EntityMention] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)


class EntityRecord(BaseModel):
    """A resolved entity as the graph stores it; ``embedding`` None keeps the stored one."""

    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    embedding: list[float] | None = None


class MentionRecord(BaseModel):
    """A chunk naming a resolved entity, with the offsets of the surface form in the chunk and the label the NER
    model gave it there (the entity's type is the label most of its mentions carry)."""

    chunk_id: str
    entity_id: str
    start: int
    end: int
    surface: str
    label: str


class RelationRecord(BaseModel):
    """One piece of evidence for a typed relation between two resolved entities: ``predicate`` is its canonical
    type (:mod:`kg.ingest.extraction.schema`), ``phrase`` what the text said ("moved to")."""

    subject_id: str
    predicate: str
    object_id: str
    chunk_id: str
    document_id: str
    confidence: float
    phrase: str = ""


class DocumentGraph(BaseModel):
    """Everything one document adds to the graph, ready for the writer."""

    document: Document
    chunks: list[Chunk]
    chunk_embeddings: list[list[float]]
    entities: list[EntityRecord] = Field(default_factory=list)
    mentions: list[MentionRecord] = Field(default_factory=list)
    relations: list[RelationRecord] = Field(default_factory=list)
