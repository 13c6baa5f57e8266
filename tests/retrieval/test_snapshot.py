"""The in-process graph snapshot answers as the live read of Neo4j does, on the real graph, and follows writes."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest

from trellis.kg.graph import GraphStore
from trellis.kg.lock import index_generation, index_lock
from trellis.retrieval import AnswerOptions, Retriever
from trellis.retrieval.errors import SnapshotTooLargeError
from trellis.retrieval.expansion import GraphExpander
from trellis.retrieval.linking import EntityLinker
from trellis.retrieval.neighbourhood import LiveAdjacency
from trellis.retrieval.search import PassageSearch
from trellis.retrieval.snapshot import GraphSnapshot, collector_paused
from trellis.retrieval.types import LinkedEntity

QUESTIONS = [
    "Which river flows through the capital of Serbia?",
    "What is the capital of Albania?",
    "Does the Danube flow through the capital of Serbia?",
    "Who was Alain Connes?",
]
BOUNDS: dict[str, Any] = dict(
    per_chunk=30, per_entity=25, per_type=8, hub=200, evidence=5, mentioned=40, per_mention=10
)


def _live(store: GraphStore, bounds: dict[str, Any]) -> LiveAdjacency:
    """A live reader that reads the whole of a hub, as the snapshot holds it."""
    return LiveAdjacency(store, hub=bounds["hub"], type_scan=100_000, evidence=bounds["evidence"])


def _seeds(retriever: Retriever, question: str) -> tuple[list[str], list[str]]:
    linker = EntityLinker(
        store=retriever.store, embed=retriever.embedder.embed, index=retriever.entity_index, nlp=retriever.nlp
    )
    search = PassageSearch(store=retriever.store, index=retriever.chunk_index)
    passages = search.run(question, retriever.embedder.embed([question])[0])
    return [e.id for e in linker.run(question)], [p.chunk_id for p in passages[:5]]


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize(("limit", "frontier"), [(300, 20), (300, 0), (7, 3), (0, 0)])
def test_the_snapshots_neighbourhood_is_the_live_reads(
    retriever: Retriever, question: str, limit: int, frontier: int
) -> None:
    linked, chunks = _seeds(retriever, question)
    assert linked and chunks
    snapshot = GraphSnapshot.load(retriever.store, limit=1_000_000)
    for seeds in ((linked, []), ([], chunks), (linked, chunks)):
        bounds = dict(BOUNDS, linked=seeds[0], chunks=seeds[1], limit=limit, frontier=frontier)
        expected = _live(retriever.store, bounds).neighbourhood(**bounds)
        found = snapshot.neighbourhood(**bounds)
        assert found == expected
    if limit == 300 and frontier == 20:
        assert expected["facts"] and expected["mentions"] and expected["first_hop"] < len(expected["facts"])


def test_one_hop_is_the_live_reads(retriever: Retriever) -> None:
    linked, _ = _seeds(retriever, QUESTIONS[0])
    snapshot = GraphSnapshot.load(retriever.store, limit=1_000_000)
    bounds = dict(per_entity=25, per_type=8, hub=200, limit=300, evidence=2)
    expected = _live(retriever.store, bounds).expansion(linked, **bounds)
    assert expected and snapshot.expansion(linked, **bounds) == expected


def test_a_hub_keeps_its_rare_relation(store: GraphStore, hub: LinkedEntity) -> None:
    snapshot = GraphSnapshot.load(store, limit=1_000_000)

    def predicates(threshold: int, entity: LinkedEntity, hops: int = 1) -> list[str]:
        expander = GraphExpander(store, hops=hops, per_entity=10, per_type=3, hub=threshold, snapshot=snapshot)
        return [f.predicate for f in expander.run([entity], []).facts]

    assert predicates(1000, hub) == ["CITY_IN"] * 10
    assert sorted(predicates(20, hub)) == ["CAPITAL_OF", *["CITY_IN"] * 4]
    person = hub.model_copy(update={"id": "hubtest-person", "name": "Hubtest Person", "type": "Person"})
    assert "CAPITAL_OF" not in predicates(1000, person, hops=3) and "CAPITAL_OF" in predicates(20, person, hops=3)


def test_a_graph_past_the_bound_is_refused_from_its_counts_before_any_row_is_read(retriever: Retriever) -> None:
    store = retriever.store
    sizes = store.query("snapshot_sizes")[0]
    everything = 10_000_000
    assert sizes["entities"] == len(store.query("snapshot_entities", limit=everything)) > 1
    assert sizes["mentions"] == len(store.query("snapshot_mentions", limit=everything))
    assert sizes["relations"] >= len(store.query("snapshot_relations", limit=everything, evidence=5))
    asked: list[str] = []
    real = store.query

    def query(name: str, **parameters: Any) -> Any:
        asked.append(name)
        return real(name, **parameters)

    store.query = query  # type: ignore[method-assign]  # the real store, its queries noted on the way through
    try:
        with pytest.raises(SnapshotTooLargeError, match="entities"):
            GraphSnapshot.load(store, limit=sizes["entities"] - 1)
    finally:
        del store.query
    assert asked == ["snapshot_sizes"]


def test_a_graph_past_the_bound_gets_no_snapshot_and_the_same_answer(retriever: Retriever) -> None:
    options = AnswerOptions(k=4)
    with_snapshot = retriever.retrieve(QUESTIONS[0], options=options)
    assert retriever.snapshot() is not None
    bounded = Retriever(
        retriever.settings.model_copy(update={"graph_snapshot_max_rows": 10}),
        store=retriever.store,
        embedder=retriever.embedder,
    )
    off = Retriever(
        retriever.settings.model_copy(update={"graph_snapshot": False}),
        store=retriever.store,
        embedder=retriever.embedder,
    )
    try:
        for other in (bounded, off):
            found = other.retrieve(QUESTIONS[0], options=options)
            assert other.snapshot() is None
            assert [f.model_dump() for f in found.facts] == [f.model_dump() for f in with_snapshot.facts]
            assert [p.chunk_id for p in found.passages] == [p.chunk_id for p in with_snapshot.passages]
    finally:
        bounded.close()
        off.close()


def test_a_write_in_any_process_moves_the_generation_and_the_snapshot_follows(retriever: Retriever) -> None:
    first = retriever.snapshot()
    assert first is not None and retriever.snapshot() is first, "read once per generation"
    before = index_generation(retriever.settings)
    with index_lock(retriever.settings):  # as an ingest in another process writes
        retriever.store.run_text(
            "MATCH (a:Entity {name: 'Albania'}) WITH a LIMIT 1 "
            "CREATE (:Entity {id: 'snaptest-town', name: 'Snapshottown', type: 'Location'})"
            "-[:CAPITAL_OF {confidence: 0.9, evidence: []}]->(a)",
            write=True,
        )
    try:
        assert index_generation(retriever.settings) != before
        fresh = retriever.snapshot()
        assert fresh is not None and fresh is not first and len(fresh) == len(first) + 1
        town = LinkedEntity(id="snaptest-town", name="Snapshottown", type="Location", score=1.0, mention="Snapshottown")
        facts = GraphExpander(retriever.store, hops=1, snapshot=fresh).run([town], []).facts
        assert [(f.subject, f.predicate, f.object) for f in facts] == [("Snapshottown", "CAPITAL_OF", "Albania")]
    finally:
        with index_lock(retriever.settings):
            retriever.store.run_text("MATCH (e:Entity {id: 'snaptest-town'}) DETACH DELETE e", write=True)
    assert len(retriever.snapshot() or []) == len(first)


def test_questions_that_all_see_a_write_reload_the_indexes_once(retriever: Retriever) -> None:
    retriever.snapshot()
    before = retriever.reloads
    with index_lock(retriever.settings):  # a write (nothing changed) moves the generation
        pass
    barrier = threading.Barrier(8)

    def question() -> None:
        barrier.wait()
        retriever.snapshot()

    threads = [threading.Thread(target=question) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert retriever.reloads == before + 1


class _InFlight:
    """A request's objects, alive while a snapshot is read and garbage after; cyclic, as asyncio's and HTTP
    servers' often are, so only the cyclic collector frees them."""

    def __init__(self) -> None:
        self.itself = self


def test_a_snapshot_read_after_a_write_leaves_what_was_in_flight_collectable(retriever: Retriever) -> None:
    retriever.snapshot()  # the first read freezes what is alive (the models, the indexes, the snapshot), once
    request = _InFlight()
    gone = weakref.ref(request)
    with index_lock(retriever.settings):  # a write: the next question reads a new snapshot
        pass
    frozen = gc.get_freeze_count()
    assert retriever.snapshot() is not None
    assert gc.get_freeze_count() <= frozen, "nothing more is frozen after a write"
    del request
    gc.collect()
    assert gone() is None, "a cycle alive during the read was frozen: it could never be collected (a leak per write)"


def test_a_snapshot_adds_one_tracked_object_per_relation_and_no_more(store: GraphStore) -> None:
    gc.collect()
    before = len(gc.get_objects())
    snapshot = GraphSnapshot.load(store, limit=1_000_000)
    gc.collect()
    added = len(gc.get_objects()) - before
    assert 0 < len(snapshot) <= added <= len(snapshot) + 200, "its tuples, dicts and strings are not tracked"


def test_a_hub_counts_every_mention_relationship_as_neo4j_does(store: GraphStore, hub: LinkedEntity) -> None:
    # 62 relations, then 12 MENTIONS relationships from only 2 chunks (one per occurrence): 74 relationships. At a
    # threshold of 70 the country is a hub only when each occurrence counts, as COUNT { (e)--() } counts them.
    store.run_text(
        "MATCH (h:Entity {id: 'hubtest-country'}) UNWIND range(0, 1) AS c "
        "CREATE (chunk:Chunk {id: 'hubtest-doc:0000' + c, document_id: 'hubtest-doc'}) "
        "WITH h, chunk UNWIND range(0, 5) AS i CREATE (chunk)-[:MENTIONS {start: i * 10}]->(h)",
        write=True,
    )
    try:
        snapshot = GraphSnapshot.load(store, limit=1_000_000)
        bounds = dict(BOUNDS, linked=[hub.id], chunks=[], limit=300, frontier=20, per_entity=10, per_type=3, hub=70)
        expected = _live(store, bounds).neighbourhood(**bounds)
        assert snapshot.neighbourhood(**bounds) == expected
        assert "CAPITAL_OF" in [f["predicate"] for f in expected["facts"]], "read as a hub"
        assert {m["chunk_id"] for m in expected["mentions"]} >= {"hubtest-doc:00000", "hubtest-doc:00001"}
    finally:
        store.run_text("MATCH (c:Chunk) WHERE c.id STARTS WITH 'hubtest-doc' DETACH DELETE c", write=True)


def test_no_collection_runs_while_a_snapshot_is_read_and_the_collector_is_restored(retriever: Retriever) -> None:
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        store = retriever.store
        rows = [store.query(name, limit=100_000, evidence=5) for name in ("snapshot_relations",)]
        gc.collect()
        collections.clear()
        GraphSnapshot([], rows[0], store.query("snapshot_mentions", limit=100_000))  # built as before: collected
        assert len(collections) > 1, "the corpus is too small to trigger collections: the test proves nothing"
        collections.clear()
        snapshot = GraphSnapshot.load(store, limit=1_000_000)
        assert collections in ([], [0]) and gc.isenabled() and len(snapshot) > 0  # one young one, on resuming
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError("a failed read")
        assert gc.isenabled()
        gc.disable()  # a caller that paused the collector itself finds it paused still
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(seen)
