"""The bounded neighbourhood of a question's seeds: the one implementation the graph expansion reads.

Seeds are the question's linked entities (best first), then the entities the top passages mention (at most
``per_chunk`` per chunk, literal values such as dates left out), each once. From them:

- hop 1: the relations of each seed and of the entities of the same name (the NER model typed one country once as a
  place, once as an organisation), at most ``per_entity`` per entity, at most ``limit`` in all, in the order of the
  seeds, most confident first within one seed. A hub (more than ``hub`` relationships: at 10k chunks a country has
  thousands of LOCATED_IN) keeps the ``per_type`` most confident of each type in each direction first, so neither
  its one CAPITAL_OF nor its own LOCATED_IN (to its continent) is crowded out by its towns' LOCATED_IN;
- hop 2: the same from the first ``frontier`` entities hop 1 reached, in the order it reached them;
- mentions: the chunks (first ``per_mention`` by id) that mention the linked entities and the entities one relation
  away from them (at most ``mentioned`` entities).

:class:`Adjacency` computes that from what it has read of the graph, and reads what it lacks through three hooks.
:class:`LiveAdjacency` reads Neo4j on demand, a few bounded queries per question (``adjacency_*``); the whole-graph
snapshot (:class:`retrieval.snapshot.GraphSnapshot`) has read everything up front and its hooks do nothing. Both
answer with the same code, so they cannot drift apart; only how much of a hub is read differs (the live reader
looks at the first ``type_scan`` relationships of each type and direction of a hub, the snapshot at all of them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from trellis.kg.graph import GraphStore, Record

__all__ = ["Adjacency", "LiveAdjacency"]

_VALUE_TYPES = frozenset({"Date", "Quantity"})
"""Entity types left out of a chunk's seeds."""


def _seed_type(entity_type: str | None) -> bool:
    """Whether an entity of this type seeds the expansion from a chunk: typed, and not a value."""
    return entity_type is not None and entity_type not in _VALUE_TYPES


class _Relation(NamedTuple):
    """One relation. Every other part of an adjacency is plain tuples, strings and numbers, which the garbage
    collector stops tracking after one pass; these stay tracked (a tuple subclass), one object per relation, so a
    whole-graph snapshot adds little to what a full collection walks."""

    subject_id: str
    predicate: str
    object_id: str
    confidence: float
    evidence: tuple[str, ...]
    phrase: str = ""


class Adjacency:
    """Entities, their relations and mentions as far as read; answers neighbourhood questions in memory."""

    def __init__(self) -> None:
        self._entity: dict[str, tuple[str, str | None]] = {}
        self._by_name: dict[str, tuple[str, ...]] = {}
        self._relations: list[_Relation] = []
        self._relation_at: dict[tuple[str, str, str], int] = {}
        self._incident: dict[str, tuple[tuple[float, str, int], ...]] = {}
        """Each entity's relations as (-confidence, other end, relation index), sorted."""
        self._degree: dict[str, int] = {}
        """Relationships of each entity, relations and MENTIONS alike (``COUNT { (e)--() }``), which tells a hub."""
        self._chunk_entities: dict[str, tuple[str, ...]] = {}
        """Each chunk's seed entities (typed, not values), by id."""
        self._entity_chunks: dict[str, tuple[str, ...]] = {}
        self._documents: dict[str, str] = {}
        self._kept: dict[tuple[str, int, int, int], tuple[int, ...]] = {}

    def __len__(self) -> int:
        """The number of relations read."""
        return len(self._relations)

    # What a subclass reads before the neighbourhood needs it (the whole-graph snapshot has read it all).

    def _read_chunks(self, chunks: Sequence[str]) -> None:
        """Read the entities that ``chunks`` mention."""

    def _read_entities(self, ids: Sequence[str]) -> None:
        """Read ``ids``, the entities of their names, and those entities' relations."""

    def _read_mentions(self, ids: Sequence[str], per_mention: int) -> None:
        """Read the first ``per_mention`` chunks (by id) that mention each of ``ids``."""

    # Filling in what was read.

    def _add_relation(self, row: Record) -> int:
        key = (row["subject_id"], row["predicate"], row["object_id"])
        index = self._relation_at.get(key)
        if index is None:
            index = self._relation_at[key] = len(self._relations)
            self._relations.append(
                _Relation(*key, float(row["confidence"]), tuple(row["evidence"]), row.get("phrase") or "")
            )
        return index

    def _set_incident(self, entity_id: str, indexes: Iterable[int]) -> None:
        rows = set()
        for index in indexes:
            relation = self._relations[index]
            other = relation.object_id if relation.subject_id == entity_id else relation.subject_id
            rows.add((-relation.confidence, other, index))
        self._incident[entity_id] = tuple(sorted(rows))

    def _set_chunk_entities(self, chunk_id: str, entity_ids: Iterable[str]) -> None:
        self._chunk_entities[chunk_id] = tuple(
            sorted({e for e in entity_ids if e in self._entity and _seed_type(self._entity[e][1])})
        )

    # The neighbourhood.

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
    ) -> Record:
        """The seeds' neighbourhood: ``chunk_entities`` [{chunk_id, entity_id, name, type}], ``facts``
        [{subject_id, subject, subject_type, predicate, object_id, object, object_type, confidence, evidence, phrase}]
        (hop 1's first, ``first_hop`` of them) and ``mentions`` [{entity_id, chunk_id, document_id}]."""
        self._read_chunks(chunks)
        pairs = [(chunk, e) for chunk in chunks for e in self._chunk_entities.get(chunk, ())[:per_chunk]]
        chunk_entities = [
            {"chunk_id": chunk, "entity_id": e, "name": self._entity[e][0], "type": self._entity[e][1]}
            for chunk, e in pairs
        ]
        seeds = list(dict.fromkeys([*linked, *(e for _chunk, e in pairs)]))
        bounds = (per_entity, per_type, hub)
        first = self._hop(seeds, bounds, limit)
        second = self._hop(self._reached(first, seeds, frontier=frontier), bounds, limit)
        relations = list(dict.fromkeys([*first, *second]))
        near = self._near(linked, relations, mentioned=mentioned)
        self._read_mentions(near, per_mention)
        return {
            "chunk_entities": chunk_entities,
            "facts": [self._record(index, evidence) for index in relations],
            "first_hop": len(first),
            "mentions": self._mentions(near, per_mention),
        }

    def _reached(self, first: Sequence[int], seeds: Sequence[str], *, frontier: int) -> list[str]:
        """The first ``frontier`` entities that the relations ``first`` reach past ``seeds``, in the order reached."""
        ends = (e for index in first for e in (self._relations[index].subject_id, self._relations[index].object_id))
        known = set(seeds)
        return [e for e in dict.fromkeys(ends) if e not in known][:frontier]

    def _near(self, linked: Sequence[str], relations: Sequence[int], *, mentioned: int) -> list[str]:
        """The first ``mentioned`` of the ``linked`` entities and the ends of ``relations`` one step from them."""
        near = list(linked)
        wanted = set(linked)
        for index in relations:
            relation = self._relations[index]
            if relation.subject_id in wanted:
                near.append(relation.object_id)
            elif relation.object_id in wanted:
                near.append(relation.subject_id)
        return list(dict.fromkeys(near))[:mentioned]

    def _mentions(self, near: Sequence[str], per_mention: int) -> list[Record]:
        """The first ``per_mention`` chunks (by id) that mention each of ``near``, with their documents."""
        return [
            {"entity_id": e, "chunk_id": chunk, "document_id": self._documents[chunk]}
            for e in near
            for chunk in self._entity_chunks.get(e, ())[:per_mention]
        ]

    def expansion(
        self, ids: Sequence[str], *, per_entity: int, per_type: int, hub: int, limit: int, evidence: int
    ) -> list[Record]:
        """One hop from ``ids`` (a hop past the second), as the records of :meth:`neighbourhood`'s facts."""
        return [self._record(index, evidence) for index in self._hop(ids, (per_entity, per_type, hub), limit)]

    def _hop(self, seeds: Sequence[str], bounds: tuple[int, int, int], limit: int) -> list[int]:
        """The relations of each seed and of the entities of its name, bounded per entity, ordered by seed, then
        confidence and ends, at most ``limit``."""
        if limit <= 0 or not seeds:
            return []
        self._read_entities(seeds)
        rank: dict[int, int] = {}
        for position, seed in enumerate(seeds):
            if seed not in self._entity:
                continue
            for entity in self._by_name.get(self._entity[seed][0], ()):
                for index in self._kept_of(entity, *bounds):
                    rank.setdefault(index, position)

        def order(index: int) -> tuple[int, float, str, str]:
            relation = self._relations[index]
            return rank[index], -relation.confidence, relation.subject_id, relation.object_id

        return sorted(rank, key=order)[:limit]

    def _kept_of(self, entity: str, per_entity: int, per_type: int, hub: int) -> tuple[int, ...]:
        """The ``per_entity`` most confident relations of ``entity`` (a hub's: the ``per_type`` best of each type in
        each direction first), by confidence, then the other end's id."""
        key = (entity, per_entity, per_type, hub)
        kept = self._kept.get(key)
        if kept is None:
            rows: Sequence[tuple[float, str, int]] = self._incident.get(entity, ())
            if self._degree.get(entity, 0) > hub:
                taken: dict[tuple[str, bool], int] = defaultdict(int)
                chosen = []
                for row in rows:
                    relation = self._relations[row[2]]
                    kind = (relation.predicate, relation.subject_id == entity)
                    if taken[kind] < per_type:
                        taken[kind] += 1
                        chosen.append(row)
                rows = chosen
            kept = tuple(index for _confidence, _other, index in rows[:per_entity])
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
            "phrase": relation.phrase,
        }


class LiveAdjacency(Adjacency):
    """The adjacency read from Neo4j as a question needs it: one query per hook, nothing read twice.

    ``type_scan`` bounds how much of a hub is read (the first relationships of each of its types, in storage order)
    and ``evidence`` how many evidence chunk ids of each relation. One instance serves one question.
    """

    def __init__(self, store: GraphStore, *, hub: int, type_scan: int, evidence: int) -> None:
        super().__init__()
        self.store = store
        self.hub = hub
        self.type_scan = type_scan
        self.evidence = evidence
        self._read: set[str] = set()

    def _read_chunks(self, chunks: Sequence[str]) -> None:
        wanted = [c for c in dict.fromkeys(chunks) if c not in self._chunk_entities]
        if not wanted:
            return
        found: dict[str, list[str]] = {c: [] for c in wanted}
        for row in self.store.query("adjacency_chunk_entities", chunks=wanted):
            self._entity.setdefault(row["entity_id"], (row["name"], row["type"]))
            self._documents[row["chunk_id"]] = row["document_id"]
            found[row["chunk_id"]].append(row["entity_id"])
        for chunk_id, entity_ids in found.items():
            self._set_chunk_entities(chunk_id, entity_ids)

    def _read_entities(self, ids: Sequence[str]) -> None:
        wanted = [e for e in dict.fromkeys(ids) if e not in self._read]
        if not wanted:
            return
        self._read.update(wanted)
        rows = self.store.query(
            "adjacency_entity_relations", ids=wanted, hub=self.hub, type_scan=self.type_scan, evidence=self.evidence
        )
        for row in rows:
            entity_id = row["id"]
            self._entity[entity_id] = (row["name"], row["type"])
            self._read.add(entity_id)
            named = self._by_name.get(row["name"], ())
            if entity_id not in named:
                self._by_name[row["name"]] = (*named, entity_id)
            self._degree[entity_id] = int(row["degree"])
            indexes = []
            for relation in row["relations"]:
                self._entity.setdefault(relation["subject_id"], (relation["subject"], relation["subject_type"]))
                self._entity.setdefault(relation["object_id"], (relation["object"], relation["object_type"]))
                indexes.append(self._add_relation(relation))
            self._set_incident(entity_id, indexes)

    def _read_mentions(self, ids: Sequence[str], per_mention: int) -> None:
        wanted = [e for e in dict.fromkeys(ids) if e not in self._entity_chunks]
        if not wanted:
            return
        found: dict[str, list[str]] = {e: [] for e in wanted}
        for row in self.store.query("adjacency_entity_chunks", ids=wanted, per_mention=per_mention):
            found[row["entity_id"]].append(row["chunk_id"])
            self._documents[row["chunk_id"]] = row["document_id"]
        for e, chunk_ids in found.items():
            self._entity_chunks[e] = tuple(chunk_ids)
