"""The whole graph's adjacency read once into the process, for the graph expansion of every question.

HippoRAG keeps its whole graph in igraph; Trellis keeps the graph in Neo4j and reads what the expansion needs
(every relation between entities with its type, confidence and first evidence chunks, every entity's name and type,
and which chunks mention which entities) in three queries (``snapshot_*``), each bounded by ``limit`` rows; a graph
past the bound (counted first, ``snapshot_sizes``) gets no snapshot and the expansion reads Neo4j per question
(:class:`retrieval.neighbourhood.LiveAdjacency`). Both answer with the same code (:class:`~retrieval.neighbourhood.
Adjacency`).

Reading one makes about half a million objects at the prose corpus's size. Made with the cyclic garbage collector
running, they trigger full collections that walk every object of the process while holding the GIL: pauses long
enough to stall a server's event loop (figures in docs/RELIABILITY.md). So the collector is paused while a snapshot
is read and built (its rows and tuples hold no cycles; reference counting still frees what dies), and the retriever
freezes the result.

A snapshot is immutable. The retriever notes the generation it was read at (:func:`kg.lock.index_generation`,
stamped by every ingest, delete and rebuild) and reads a new one when the stamp moves.
"""

from __future__ import annotations

import gc
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from time import perf_counter

from trellis.kg.graph import GraphStore, Record
from trellis.retrieval.errors import SnapshotTooLargeError
from trellis.retrieval.neighbourhood import Adjacency

__all__ = ["GraphSnapshot", "collector_paused"]

logger = logging.getLogger(__name__)


class GraphSnapshot(Adjacency):
    """Entities, their relations and mentions, read once from Neo4j."""

    def __init__(self, entities: Iterable[Record], relations: Iterable[Record], mentions: Iterable[Record]) -> None:
        super().__init__()
        by_name: dict[str, list[str]] = defaultdict(list)
        for row in entities:
            self._entity[row["id"]] = (row["name"], row["type"])
            by_name[row["name"]].append(row["id"])
        self._by_name = {name: tuple(ids) for name, ids in by_name.items()}
        incident: dict[str, list[int]] = defaultdict(list)
        for row in relations:
            index = self._add_relation(row)
            incident[row["subject_id"]].append(index)
            if row["object_id"] != row["subject_id"]:
                incident[row["object_id"]].append(index)
        for entity_id, indexes in incident.items():
            self._set_incident(entity_id, indexes)
        chunk_entities: dict[str, set[str]] = defaultdict(set)
        entity_chunks: dict[str, set[str]] = defaultdict(set)
        mentioned: dict[str, int] = defaultdict(int)  # MENTIONS relationships (a chunk may have several to one entity)
        for row in mentions:
            chunk_entities[row["chunk_id"]].add(row["entity_id"])
            entity_chunks[row["entity_id"]].add(row["chunk_id"])
            mentioned[row["entity_id"]] += 1
            self._documents[row["chunk_id"]] = row["document_id"]
        for chunk_id, entity_ids in chunk_entities.items():
            self._set_chunk_entities(chunk_id, entity_ids)
        self._entity_chunks = {entity: tuple(sorted(chunks)) for entity, chunks in entity_chunks.items()}
        self._degree = {e: len(self._incident.get(e, ())) + mentioned.get(e, 0) for e in self._entity}

    @classmethod
    def load(cls, store: GraphStore, *, limit: int, evidence: int = 5) -> GraphSnapshot:
        """Read the graph's entities, relations and mentions (each at most ``limit`` rows) from ``store``; a graph
        past the bound is refused from its counts, before any row is read."""
        began = perf_counter()
        with collector_paused():
            sizes = store.query("snapshot_sizes")[0]
            for kind, size in sizes.items():
                if size > limit:
                    raise SnapshotTooLargeError(
                        f"the graph has {size:,} {kind}, more than the {limit:,} a snapshot holds"
                    )
            parts = []
            for name, extra in (
                ("snapshot_entities", {}),
                ("snapshot_relations", {"evidence": evidence}),
                ("snapshot_mentions", {}),
            ):
                rows = store.query(name, limit=limit + 1, **extra)
                if len(rows) > limit:  # the graph grew since it was counted
                    raise SnapshotTooLargeError(f"the graph has more than {limit:,} rows of {name}")
                parts.append(rows)
            snapshot = cls(*parts)
            logger.info(
                "graph snapshot: %d entities, %d relations, %d mentions in %.1f s",
                len(parts[0]), len(parts[1]), len(parts[2]), perf_counter() - began,
            )  # fmt: skip
        return snapshot


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cyclic garbage collection inside the block (in any thread); the collector's state before it is
    restored after it, also on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
