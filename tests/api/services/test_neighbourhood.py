"""Neighbourhoods and shortest paths against the real graph."""

from __future__ import annotations

from trellis.api.services.entities import entity_named
from trellis.api.services.neighbourhood import neighbourhood, shortest_path
from trellis.api.services.types import GraphEntity
from trellis.retrieval import Retriever


def _entity(retriever: Retriever, name: str) -> GraphEntity:
    found = entity_named(retriever.store, name)
    assert found is not None, name
    return found


def test_a_neighbourhood_holds_the_nearest_entities_and_the_relations_among_them(retriever: Retriever) -> None:
    tirana, albania = _entity(retriever, "Tirana"), _entity(retriever, "Albania")
    near = neighbourhood(retriever.store, tirana.id, hops=1, limit=50)
    assert near is not None and near.center == tirana and near.hops == 1
    assert albania.id in {n.entity.id for n in near.neighbours} and {n.distance for n in near.neighbours} == {1}
    assert any(r.type == "CAPITAL_OF" and r.source == tirana.id for r in near.relations)
    members = {tirana.id} | {n.entity.id for n in near.neighbours}
    assert all(r.source in members and r.target in members for r in near.relations)
    wider = neighbourhood(retriever.store, tirana.id, hops=2, limit=5)
    assert wider is not None and len(wider.neighbours) <= 5
    distances = [n.distance for n in wider.neighbours]
    assert distances == sorted(distances) and set(distances) <= {1, 2}
    assert neighbourhood(retriever.store, "no-such-entity", hops=1, limit=5) is None


def test_a_shortest_path_is_bounded_and_reaches_an_entity_itself(retriever: Retriever) -> None:
    tirana, albania = _entity(retriever, "Tirana"), _entity(retriever, "Albania")
    path = shortest_path(retriever.store, tirana.id, albania.id, max_hops=3)
    assert path is not None and [n.name for n in path.nodes] == ["Tirana", "Albania"]
    assert [e.type for e in path.edges] == ["CAPITAL_OF"] and path.length == 1
    itself = shortest_path(retriever.store, tirana.id, tirana.id, max_hops=3)
    assert itself is not None and itself.nodes == [tirana] and itself.length == 0
    assert shortest_path(retriever.store, tirana.id, "no-such-entity", max_hops=6) is None
    connes = _entity(retriever, "Alain Connes")
    assert shortest_path(retriever.store, tirana.id, connes.id, max_hops=1) is None
