"""Entity reads against the real graph: by id, by name, from free text, in pages, with relations and documents."""

from __future__ import annotations

from trellis.api.services.entities import (
    documents_mentioning,
    entities_by_ids,
    entity_named,
    entity_page,
    find_entity,
    relations_of,
)
from trellis.retrieval import Retriever


def test_an_entity_is_found_by_name_id_and_free_text(retriever: Retriever) -> None:
    store = retriever.store
    tirana = entity_named(store, "tirana")
    assert tirana is not None and tirana.name == "Tirana"
    assert entities_by_ids(store, [tirana.id, "no-such-entity"]) == [tirana]
    assert find_entity(store, tirana.id) == tirana
    assert find_entity(store, "Tirana") == tirana
    fuzzy = find_entity(store, "Tirana city")  # no such id or name: the full-text index decides
    assert fuzzy is not None and fuzzy.name == "Tirana"
    assert entity_named(store, "Qwxzzy Nonexistent") is None and find_entity(store, "Qwxzzy Nonexistent") is None
    assert entities_by_ids(store, []) == []


def test_pages_follow_each_other_without_overlap(retriever: Retriever) -> None:
    store = retriever.store
    first = entity_page(store, first=5)
    second = entity_page(store, first=5, after=first.entities[-1].id)
    ids = [e.id for e in first.entities + second.entities]
    assert len(ids) == len(set(ids)) == 10 and ids == sorted(ids)
    assert first.has_next_page and first.total_count == second.total_count > 10
    places = entity_page(store, first=50, entity_type="Location")
    assert places.entities and {e.type for e in places.entities} == {"Location"}
    assert places.total_count >= len(places.entities)
    named = entity_page(store, first=50, name_contains="tiran")
    assert "Tirana" in {e.name for e in named.entities}


def test_relations_and_documents_carry_their_provenance(retriever: Retriever) -> None:
    store = retriever.store
    albania = entity_named(store, "Albania")
    assert albania is not None
    facts = relations_of(store, [albania.id], per_entity=25)
    capital = next(f for f in facts if f.predicate == "CAPITAL_OF")
    assert capital.subject == "Tirana" and capital.object_id == albania.id
    assert capital.evidence and all(e.document_id for e in capital.evidence)
    assert len(relations_of(store, [albania.id], per_entity=2)) <= 2
    assert facts == sorted(facts, key=lambda f: -f.confidence)
    documents = documents_mentioning(store, albania.id, per_entity=50)
    assert documents and documents == sorted(documents)
    assert relations_of(store, [], per_entity=5) == []
