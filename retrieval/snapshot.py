"""An in-process copy of the graph's adjacency, for the graph expansion of every question.

HippoRAG keeps its whole graph in igraph; Trellis keeps the graph in Neo4j, and the expansion of a question used to
fetch its neighbourhood there, two bounded Cypher queries per question (``retrieval_neighbourhood``), the largest
cost of a retrieval at 10k chunks. A :class:`GraphSnapshot` holds what those queries read: every relation between
entities (its type, confidence and first evidence chunks), every entity's name and type, and which chunks mention
which entities. It is read from Neo4j in three queries (``snapshot_*``), each bounded by ``limit`` rows; a graph
past the bound gets no snapshot and the expansion reads Neo4j as before.

:meth:`GraphSnapshot.neighbourhood` answers as ``retrieval_neighbourhood`` does, with the same bounds and order
(tests compare the two on a real graph). One deliberate difference: on a hub (more than ``hub`` relationships) the
Cypher looks at the first ``type_scan`` relationships of each type in storage order and keeps the ``per_type`` most
confident; the snapshot keeps the ``per_type`` most confident of all of them.

A snapshot is immutable. The retriever notes the generation it was read at (:func:`kg.ingest.lock.index_generation`,
stamped by every ingest, delete and rebuild) and reads a new one when the stamp moves.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from time import perf_counter

from kg.graph import GraphStore, Record
from retrieval.errors import SnapshotTooLargeError

__all__ = ["GraphSnapshot"]

logger = logging.getLogger(__name__)

_VALUE_TYPES = frozenset({"Date", "Quantity"})
"""Entity types left out of a chunk's seeds (as in ``retrieval_neighbourhood``)."""


def _seed_type(entity_type: str | None) -> bool:
    """Whether an entity of this type seeds the expansion from a chunk: typed, and not a value (as in Cypher, where
    ``NOT e.type IN [...]`` is null, so false, for an untyped entity)."""
    return entity_type is not None and entity_type not in _VALUE_TYPES


@dataclass(frozen=True, slots=True)
class _Relation:
    subject_id: str
    predicate: str
    object_id: str
    confidence: float
    evidence: tuple[str, ...]


class GraphSnapshot:
    """Entities, their relations and mentions, read once from Neo4j; answers neighbourhood questions in memory."""

    def __init__(
        self,
        entities: Iterable[Record],
        relations: Iterable[Record],
        mentions: Iterable[Record],
    ) -> None:
        self._entity: dict[str, tuple[str, str | None]] = {r["id"]: (r["name"], r["type"]) for r in entities}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        for entity_id, (name, _type) in self._entity.items():
            self._by_name[name].append(entity_id)
        self._relations = [
            _Relation(r["subject_id"], r["predicate"], r["object_id"], float(r["confidence"]), tuple(r["evidence"]))
            for r in relations
        ]
        incident: dict[str, list[tuple[float, str, int]]] = defaultdict(list)
        for index, relation in enumerate(self._relations):
            incident[relation.subject_id].append((-relation.confidence, relation.object_id, index))
            if relation.object_id != relation.subject_id:
                incident[relation.object_id].append((-relation.confidence, relation.subject_id, index))
        self._incident = {entity_id: sorted(rows) for entity_id, rows in incident.items()}
        chunk_entities: dict[str, set[str]] = defaultdict(set)
        entity_chunks: dict[str, set[str]] = defaultdict(set)
        mentioned: dict[str, int] = defaultdict(int)  # MENTIONS relationships (a chunk may have several to one entity)
        self._documents: dict[str, str] = {}
        for row in mentions:
            chunk_entities[row["chunk_id"]].add(row["entity_id"])
            entity_chunks[row["entity_id"]].add(row["chunk_id"])
            mentioned[row["entity_id"]] += 1
            self._documents[row["chunk_id"]] = row["document_id"]
        self._chunk_entities = {
            chunk: sorted(e for e in ids if e in self._entity and _seed_type(self._entity[e][1]))
            for chunk, ids in chunk_entities.items()
        }
        self._entity_chunks = {entity: sorted(chunks) for entity, chunks in entity_chunks.items()}
        self._degree = {e: len(self._incident.get(e, ())) + mentioned.get(e, 0) for e in self._entity}
        """Relationships of each entity, as Cypher's ``COUNT { (e)--() }`` (which tells a hub)."""
        self._kept: dict[tuple[str, int, int, int], list[int]] = {}

    @classmethod
    def load(cls, store: GraphStore, *, limit: int, evidence: int = 5) -> GraphSnapshot:
        """Read the graph's entities, relations and mentions (each at most ``limit`` rows) from ``store``."""
        began = perf_counter()
        parts = []
        for name, extra in (
            ("snapshot_entities", {}),
            ("snapshot_relations", {"evidence": evidence}),
            ("snapshot_mentions", {}),
        ):
            rows = store.query(name, limit=limit + 1, **extra)
            if len(rows) > limit:
                raise SnapshotTooLargeError(f"the graph has more than {limit:,} rows of {name}")
            parts.append(rows)
        snapshot = cls(*parts)
        logger.info(
            "graph snapshot: %d entities, %d relations, %d mentions in %.1f s",
            len(parts[0]), len(parts[1]), len(parts[2]), perf_counter() - began,
        )  # fmt: skip
        return snapshot

    def __len__(self) -> int:
        """The number of relations held."""
        return len(self._relations)

    def neighbourhood(
        self,
        linked: Sequence[str],
        chunks: Sequence[str],
        *,
        per_chunk: int,
        per_entity: int,
        per_type: int,
        hub: int,
        limit: int,
        frontier: int,
        evidence: int,
        mentioned: int,
        per_mention: int,
        type_scan: int = 0,
    ) -> Record:
        """What ``retrieval_neighbourhood`` returns for these parameters (``type_scan`` is not needed here)."""
        del type_scan  # every relationship of a hub is looked at
        pairs = [(chunk, e) for chunk in chunks for e in self._chunk_entities.get(chunk, ())[:per_chunk]]
        chunk_entities = [
            {"chunk_id": chunk, "entity_id": e, "name": self._entity[e][0], "type": self._entity[e][1]}
            for chunk, e in pairs
        ]
        seeds = list(dict.fromkeys([*linked, *(e for _chunk, e in pairs)]))
        bounds = (per_entity, per_type, hub)
        first = self._hop(seeds, bounds, limit)
        ends = (e for index in first for e in (self._relations[index].subject_id, self._relations[index].object_id))
        reached = [e for e in dict.fromkeys(ends) if e not in set(seeds)][:frontier]
        second = self._hop(reached, bounds, limit)
        relations = list(dict.fromkeys([*first, *second]))
        near = list(linked)
        wanted = set(linked)
        for index in relations:
            relation = self._relations[index]
            if relation.subject_id in wanted:
                near.append(relation.object_id)
            elif relation.object_id in wanted:
                near.append(relation.subject_id)
        mentions = [
            {"entity_id": e, "chunk_id": chunk, "document_id": self._documents[chunk]}
            for e in list(dict.fromkeys(near))[:mentioned]
            if e in self._entity
            for chunk in self._entity_chunks.get(e, ())[:per_mention]
        ]
        return {
            "chunk_entities": chunk_entities,
            "facts": [self._record(index, evidence) for index in relations],
            "first_hop": len(first),
            "mentions": mentions,
        }

    def expansion(
        self, ids: Sequence[str], *, per_entity: int, per_type: int, hub: int, limit: int, evidence: int
    ) -> list[Record]:
        """What ``retrieval_expansion`` returns: one hop from ``ids``, best first."""
        return [self._record(index, evidence) for index in self._hop(ids, (per_entity, per_type, hub), limit)]

    def _hop(self, seeds: Sequence[str], bounds: tuple[int, int, int], limit: int) -> list[int]:
        """The relations of each seed and of the entities of its name, bounded per entity, ordered by seed, then
        confidence and ends, at most ``limit``."""
        if limit <= 0:
            return []
        rank: dict[int, int] = {}
        for position, seed in enumerate(seeds):
            if seed not in self._entity:
                continue
            for entity in self._by_name[self._entity[seed][0]]:
                for index in self._kept_of(entity, *bounds):
                    rank.setdefault(index, position)

        def order(index: int) -> tuple[int, float, str, str]:
            relation = self._relations[index]
            return rank[index], -relation.confidence, relation.subject_id, relation.object_id

        return sorted(rank, key=order)[:limit]

    def _kept_of(self, entity: str, per_entity: int, per_type: int, hub: int) -> list[int]:
        """The ``per_entity`` most confident relations of ``entity`` (a hub's: the ``per_type`` best of each type
        first), by confidence, then the other end's id."""
        key = (entity, per_entity, per_type, hub)
        kept = self._kept.get(key)
        if kept is None:
            rows = self._incident.get(entity, [])
            if self._degree.get(entity, 0) > hub:
                taken: dict[str, int] = defaultdict(int)
                chosen = []
                for row in rows:
                    predicate = self._relations[row[2]].predicate
                    if taken[predicate] < per_type:
                        taken[predicate] += 1
                        chosen.append(row)
                rows = chosen
            kept = [index for _confidence, _other, index in rows[:per_entity]]
            self._kept[key] = kept
        return kept

    def _record(self, index: int, evidence: int) -> Record:
        relation = self._relations[index]
        subject, subject_type = self._entity[relation.subject_id]
        obj, object_type = self._entity[relation.object_id]
        return {
            "subject_id": relation.subject_id,
            "subject": subject,
            "subject_type": subject_type,
            "predicate": relation.predicate,
            "object_id": relation.object_id,
            "object": obj,
            "object_type": object_type,
            "confidence": relation.confidence,
            "evidence": list(relation.evidence[:evidence]),
        }
