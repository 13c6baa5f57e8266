"""From a batch's chunks, extractions and vectors to the :class:`DocumentGraph` each document adds.

The pipeline calls these in order, one batch after another: :func:`surface_forms` names what the resolver must
resolve, :func:`document_graph` puts one document's chunks, entities, mentions and relation evidence together,
and :func:`remember` adds a built batch's entities to what later batches resolve against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from trellis.kg.ingest.extraction.relations import CO_OCCURS_WITH
from trellis.kg.ingest.extraction.schema import Typed, phrase_of
from trellis.kg.ingest.resolution import KnownEntity, Mention, Resolution, name_key
from trellis.kg.types import (
    Chunk,
    Document,
    DocumentGraph,
    EntityRecord,
    ExtractionResult,
    MentionRecord,
    Relation,
    RelationRecord,
)

__all__ = ["EntityOf", "document_graph", "entity_of", "remember", "surface_forms"]

EntityOf = dict[tuple[str, str], str]
"""``(surface, type)`` of a mention or relation end -> the id of the entity it resolved to."""

_NONE = KnownEntity(id="", name="", type="")


def surface_forms(extractions: Iterable[ExtractionResult]) -> list[Mention]:
    """Every distinct ``(surface, type)`` that the extractions name, as mentions or as relation ends, in order.

    A form whose name has no key ("#$%": spaCy tags symbols as entities now and then) names nothing and is dropped.
    """
    forms: dict[tuple[str, str], Mention] = {}
    for result in extractions:
        ends = [(m.surface, m.type) for m in result.mentions]
        ends += [(r.subject, r.subject_type) for r in result.relations]
        ends += [(r.object, r.object_type) for r in result.relations]
        for surface, kind in ends:
            if (surface, kind) not in forms and name_key(surface, kind):
                forms[(surface, kind)] = Mention(surface=surface, type=kind)
    return list(forms.values())


def entity_of(mentions: list[Mention], resolution: Resolution) -> EntityOf:
    """Which entity each resolved form names."""
    return {(m.surface, m.type): r.entity_id for m, r in zip(mentions, resolution.mentions, strict=True)}


def remember(graphs: list[DocumentGraph], known: dict[str, KnownEntity]) -> None:
    """Add a built batch's entities to what later batches resolve against (they are written before those)."""
    for graph in graphs:
        for entity in graph.entities:
            known[entity.id] = KnownEntity(
                id=entity.id, name=entity.name, type=entity.type, aliases=tuple(entity.aliases),
                embedding=tuple(entity.embedding) if entity.embedding else known.get(entity.id, _NONE).embedding,
            )  # fmt: skip


def document_graph(
    document: Document,
    chunks: list[Chunk],
    embeddings: list[list[float]],
    results: list[ExtractionResult],
    resolution: Resolution,
    resolved: EntityOf,
    type_of: Callable[[Relation], Typed],
) -> DocumentGraph:
    """The graph one document adds: its chunks, the entities it names, its mentions and relation evidence, each
    relation with its canonical type (``type_of``; co-occurrences stay as they are) and its phrase."""
    mentions = _mentions(results, resolved)
    relations = _relations(document, results, resolved=resolved, type_of=type_of)
    named = (
        {mention.entity_id for mention in mentions}
        | {r.subject_id for r in relations}
        | {r.object_id for r in relations}
    )
    return DocumentGraph(
        document=document,
        chunks=chunks,
        chunk_embeddings=embeddings,
        entities=_entities(resolution, named),
        mentions=mentions,
        relations=relations,
    )


def _mentions(results: list[ExtractionResult], resolved: EntityOf) -> list[MentionRecord]:
    """The mention records of the results' mentions whose form resolved to an entity."""
    return [
        MentionRecord(
            chunk_id=m.chunk_id,
            entity_id=resolved[(m.surface, m.type)],
            start=m.start,
            end=m.end,
            surface=m.surface,
            label=m.type,
        )
        for result in results
        for m in result.mentions
        if (m.surface, m.type) in resolved
    ]


def _relations(
    document: Document,
    results: list[ExtractionResult],
    *,
    resolved: EntityOf,
    type_of: Callable[[Relation], Typed],
) -> list[RelationRecord]:
    """The relation evidence between two distinct resolved entities, typed canonically and turned when inverse."""
    relations = []
    for result in results:
        for r in result.relations:
            subject, obj = resolved.get((r.subject, r.subject_type)), resolved.get((r.object, r.object_type))
            if not (subject and obj and subject != obj):
                continue
            typed = Typed(r.predicate) if r.predicate == CO_OCCURS_WITH else type_of(r)
            if typed.inverse:
                subject, obj = obj, subject
            relations.append(
                RelationRecord(
                    subject_id=subject,
                    predicate=typed.type,
                    object_id=obj,
                    chunk_id=r.chunk_id,
                    document_id=document.id,
                    confidence=r.confidence,
                    phrase="" if r.predicate == CO_OCCURS_WITH else phrase_of(r.predicate),
                )
            )
    return relations


def _entities(resolution: Resolution, named: set[str]) -> list[EntityRecord]:
    """The resolution's entities that the document names; a known one keeps the embedding the graph and the index
    hold (None: not written again)."""
    return [
        EntityRecord(
            id=e.id, name=e.name, type=e.type, aliases=e.aliases, embedding=e.embedding if e.status == "new" else None
        )
        for e in resolution.entities
        if e.id in named
    ]
