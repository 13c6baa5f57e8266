"""Entities: by id, by name, found from free text, in pages, and what supports them (relations, documents)."""

from __future__ import annotations

from collections.abc import Sequence

from trellis.api.services.types import EntityPage, GraphEntity
from trellis.kg.graph import GraphStore
from trellis.retrieval.lucene import escape_lucene
from trellis.retrieval.types import Evidence, Fact

__all__ = ["documents_mentioning", "entities_by_ids", "entity_named", "entity_page", "find_entity", "relations_of"]


def entities_by_ids(store: GraphStore, ids: Sequence[str]) -> list[GraphEntity]:
    """The entities among ``ids`` that exist (in no promised order)."""
    if not ids:
        return []
    return [GraphEntity.model_validate(row) for row in store.query("retrieval_entities", ids=list(ids))]


def entity_named(store: GraphStore, name: str) -> GraphEntity | None:
    """The entity with this name (case-insensitive), the most mentioned when several share it."""
    rows = store.query("api_entities_by_name", entity_name=name, exact=False, limit=1)
    return GraphEntity.model_validate(rows[0]) if rows else None


def find_entity(store: GraphStore, text: str) -> GraphEntity | None:
    """The entity with the id ``text``, else with that name, else the best full-text match of its names."""
    found = entities_by_ids(store, [text])
    if found:
        return found[0]
    named = entity_named(store, text)
    if named is None and (query := escape_lucene(text)):
        rows = store.query("retrieval_entity_fulltext", query=query, limit=1)
        named = GraphEntity.model_validate(rows[0]) if rows else None
    return named


def entity_page(
    store: GraphStore,
    *,
    first: int,
    after: str | None = None,
    entity_type: str | None = None,
    name_contains: str | None = None,
) -> EntityPage:
    """The ``first`` entities after the id ``after`` (None: from the start), ordered by id, optionally of one type
    and with ``name_contains`` in their name (case-insensitive)."""
    wanted = {"type": entity_type, "name_contains": name_contains}
    rows = store.query("api_entities_page", after=after, limit=first + 1, **wanted)
    total = store.query("api_entities_count", **wanted)[0]["total"]
    entities = [GraphEntity.model_validate(row) for row in rows[:first]]
    return EntityPage(entities=entities, has_next_page=len(rows) > first, total_count=int(total))


def relations_of(store: GraphStore, ids: Sequence[str], *, per_entity: int, evidence: int = 5) -> list[Fact]:
    """The relations of the entities ``ids``, most confident first: at most ``per_entity`` each, with at most
    ``evidence`` supporting chunks each."""
    if not ids:
        return []
    rows = store.query(
        "retrieval_relations", ids=list(ids), per_entity=per_entity, limit=per_entity * len(ids), evidence=evidence
    )
    return [Fact(**{**row, "evidence": [Evidence(**item) for item in row["evidence"] or []]}) for row in rows]


def documents_mentioning(store: GraphStore, entity_id: str, *, per_entity: int) -> list[str]:
    """The ids of the documents whose chunks (at most ``per_entity`` of them) mention the entity, sorted."""
    rows = store.query("retrieval_mentions", ids=[entity_id], per_entity=per_entity)
    return sorted({row["document_id"] for row in rows if row["document_id"]})
