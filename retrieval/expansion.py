"""Graph expansion: the neighbourhood of the seed entities, personalized PageRank over it, and paths between the
question's entities.

Seeds are the linked entities and the entities that the top passages mention. The linked entities' neighbourhood
(two hops of relations, each bounded per entity and in all, and the chunks that mention them and their neighbours,
:mod:`retrieval.neighbourhood`) is read as soon as linking is done, beside the passage search; the top passages'
entities and their relations right after the search. A third hop, when asked for, is one more read. The graph
snapshot answers all of them in memory; without one they read Neo4j.
Passages and entities are one igraph graph (entity-entity relations weighted by confidence, chunk-entity
mentions, entities of one name joined), ranked by personalized PageRank restarted, as in HippoRAG 2, at the linked
entities and at the passages the search found (weighted by their scores, ``passage_reset`` of the best one), so a
chunk two hops from the question's entity (a chunk about a country's capital, say) can rank without sharing a
word with the question.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

import igraph as ig
from pydantic import TypeAdapter

from trellis.kg.graph import GraphStore, Record
from trellis.kg.types import document_of
from trellis.retrieval.neighbourhood import Adjacency, LiveAdjacency
from trellis.retrieval.snapshot import GraphSnapshot
from trellis.retrieval.types import Fact, GraphEdge, GraphPath, LinkedEntity, Passage

__all__ = ["MENTIONS", "SAME_NAME", "TOP_PASSAGES", "Expansion", "GraphExpander"]

logger = logging.getLogger(__name__)

MENTIONS = "MENTIONS"
SAME_NAME = "SAME_NAME"
TOP_PASSAGES = 5
"""The best passages whose entities seed the expansion."""


@dataclass
class Expansion:
    """The expanded neighbourhood: its relations, mentions, PageRank of every node, and paths."""

    facts: list[Fact] = field(default_factory=list)
    mentions: list[tuple[str, str]] = field(default_factory=list)
    """(chunk id, entity id) pairs."""
    names: dict[str, str] = field(default_factory=dict)
    types: dict[str, str | None] = field(default_factory=dict)
    chunk_documents: dict[str, str] = field(default_factory=dict)
    ppr: dict[str, float] = field(default_factory=dict)
    paths: list[GraphPath] = field(default_factory=list)

    def chunk_scores(self) -> dict[str, float]:
        """The PageRank of each chunk node, best first."""
        scores = {chunk: self.ppr.get(chunk, 0.0) for chunk in self.chunk_documents}
        return dict(sorted(scores.items(), key=lambda item: (-item[1], item[0])))


class GraphExpander:
    """Fetches the seeds' neighbourhood (bounded) and ranks its nodes by personalized PageRank."""

    def __init__(
        self,
        store: GraphStore,
        *,
        hops: int = 2,
        per_entity: int = 25,
        per_type: int = 8,
        hub: int = 200,
        type_scan: int = 30,
        limit: int = 300,
        frontier: int = 20,
        mentions_per_entity: int = 10,
        entities_per_chunk: int = 30,
        evidence: int = 5,
        damping: float = 0.85,
        mention_weight: float = 0.5,
        snapshot: GraphSnapshot | None = None,
        passage_reset: float = 0.5,
    ) -> None:
        self.store = store
        self.passage_reset = passage_reset
        self.snapshot = snapshot
        self.hops = hops
        self.per_entity = per_entity
        self.per_type = per_type
        self.hub = hub
        self.type_scan = type_scan
        self.limit = limit
        self.frontier = frontier
        self.mentions_per_entity = mentions_per_entity
        self.entities_per_chunk = entities_per_chunk
        self.evidence = evidence
        self.damping = damping
        self.mention_weight = mention_weight

    def run(
        self, linked: Sequence[LinkedEntity], passages: Sequence[Passage], *, top_passages: int = TOP_PASSAGES
    ) -> Expansion:
        """Expand from the linked entities and the entities of the ``top_passages`` best passages."""
        top = list(passages[:top_passages])
        return self.combine(linked, top, self.around_entities(linked), self.around_passages(top, linked=bool(linked)))

    def around_entities(self, linked: Sequence[LinkedEntity]) -> Record:
        """The linked entities' neighbourhood: two hops of relations and the chunks that mention them and their
        neighbours. It needs no passages, so retrieval runs it while the passage search is still going."""
        if not linked:
            return {"chunk_entities": [], "facts": [], "first_hop": 0, "mentions": []}
        return self._neighbourhood([e.id for e in linked], [], frontier=True)

    def around_passages(self, top: Sequence[Passage], *, linked: bool) -> Record:
        """The entities the ``top`` passages mention and their relations; a second hop only when no entity was
        linked (the passages' entities are then the only seeds)."""
        return self._neighbourhood([], [p.chunk_id for p in top], frontier=not linked)

    def combine(
        self, linked: Sequence[LinkedEntity], top: Sequence[Passage], entities: Record, passages: Record
    ) -> Expansion:
        """The expansion from both neighbourhoods: the linked entities' relations first (hop 1, then the top
        passages' entities' own, then hop 2), PageRank restarted at the linked entities, and paths."""
        expansion = Expansion()
        for entity in linked:
            expansion.names[entity.id], expansion.types[entity.id] = entity.name, entity.type
        for passage in top:
            expansion.chunk_documents[passage.chunk_id] = passage.document_id
        found = _merged(entities, passages)
        for row in found["chunk_entities"]:
            expansion.mentions.append((row["chunk_id"], row["entity_id"]))
            expansion.names[row["entity_id"]], expansion.types[row["entity_id"]] = row["name"], row["type"]
        for fact in _facts(found["facts"]):
            self._add_fact(fact, expansion)
        if self.hops > 2:
            self._further([e.id for e in linked], found, expansion)
        for row in found["mentions"]:
            expansion.mentions.append((row["chunk_id"], row["entity_id"]))
            expansion.chunk_documents.setdefault(row["chunk_id"], row["document_id"])
        for fact in expansion.facts:
            for evidence in fact.evidence:
                if evidence.document_id is not None:
                    expansion.chunk_documents.setdefault(evidence.chunk_id, evidence.document_id)
                    expansion.mentions += [(evidence.chunk_id, fact.subject_id), (evidence.chunk_id, fact.object_id)]
        expansion.mentions = list(dict.fromkeys(expansion.mentions))
        restart = {e.id: e.score for e in linked} or _passage_restart(top, expansion.mentions)
        if self.passage_reset > 0 and top:  # the passages search found restart the walk too
            best = max(p.score for p in top) or 1.0
            for passage in top:
                share = self.passage_reset * passage.score / best
                restart[passage.chunk_id] = restart.get(passage.chunk_id, 0.0) + share
        graph = _build(expansion, self.mention_weight)
        expansion.ppr = _pagerank(graph, restart, self.damping)
        expansion.paths = _paths(graph, [e.id for e in linked], expansion)
        return expansion

    def _neighbourhood(self, linked: list[str], chunks: list[str], *, frontier: bool) -> Record:
        """Seeds, up to two hops of relations (one without ``frontier``) and the mentions of the question's
        entities and their neighbours (:meth:`retrieval.neighbourhood.Adjacency.neighbourhood`)."""
        return self._adjacency().neighbourhood(
            linked,
            chunks,
            per_chunk=self.entities_per_chunk,
            per_entity=self.per_entity,
            per_type=self.per_type,
            hub=self.hub,
            limit=self.limit if self.hops > 0 else 0,
            frontier=self.frontier if self.hops > 1 and frontier else 0,
            evidence=self.evidence,
            mentioned=self.frontier * 2,
            per_mention=self.mentions_per_entity,
        )

    def _adjacency(self) -> Adjacency:
        """The snapshot when there is one, else a reader of Neo4j for this call alone (calls run in two threads)."""
        if self.snapshot is not None:
            return self.snapshot
        return LiveAdjacency(self.store, hub=self.hub, type_scan=self.type_scan, evidence=self.evidence)

    def _add_fact(self, fact: Fact, expansion: Expansion) -> None:
        expansion.facts.append(fact)
        expansion.names[fact.subject_id], expansion.types[fact.subject_id] = fact.subject, fact.subject_type
        expansion.names[fact.object_id], expansion.types[fact.object_id] = fact.object, fact.object_type

    def _further(self, linked: list[str], found: Record, expansion: Expansion) -> None:
        """Hops past the second, from the entities the last hop reached."""
        first, last = found["facts"][: found["first_hop"]], found["facts"][found["first_hop"] :]
        seen = {*linked, *(row["entity_id"] for row in found["chunk_entities"]), *_ends(first)}
        seen_facts = {(f.subject_id, f.predicate, f.object_id) for f in expansion.facts}
        for _hop in range(2, self.hops):
            frontier = list(dict.fromkeys(e for e in _ends(last) if e not in seen))[: self.frontier]
            if not frontier:
                return
            seen |= set(_ends(last))
            rows = self._adjacency().expansion(
                frontier,
                per_entity=self.per_entity,
                per_type=self.per_type,
                hub=self.hub,
                limit=self.limit,
                evidence=self.evidence,
            )
            last = [row for row in rows if _key(row) not in seen_facts]
            for row, fact in zip(last, _facts(last), strict=True):
                seen_facts.add(_key(row))
                self._add_fact(fact, expansion)


def _key(row: Record) -> tuple[str, str, str]:
    """A relation record's (subject id, predicate, object id)."""
    return row["subject_id"], row["predicate"], row["object_id"]


def _merged(entities: Record, passages: Record) -> Record:
    """One neighbourhood from the linked entities' and the top passages' (each a neighbourhood record):
    hop 1 of the linked entities, then the passages' entities' relations not already there, then hop 2."""
    first, second = entities["facts"][: entities["first_hop"]], entities["facts"][entities["first_hop"] :]
    seen = {_key(row) for row in entities["facts"]}
    added = [row for row in passages["facts"] if _key(row) not in seen]
    return {
        "chunk_entities": passages["chunk_entities"],
        "facts": [*first, *added, *second],
        "first_hop": len(first) + len(added),
        "mentions": entities["mentions"],
    }


def _ends(rows: Sequence[Record]) -> list[str]:
    """The subject and object ids of relation rows, in order."""
    return [entity_id for row in rows for entity_id in (row["subject_id"], row["object_id"])]


_FACT_LIST = TypeAdapter(list[Fact])


def _facts(rows: Sequence[Record]) -> list[Fact]:
    """Relation records (evidence as chunk ids) as facts, each evidence chunk with its document, read off its id;
    pydantic checks the types of what Neo4j returned, the whole list in one call, which is cheaper than one
    ``model_validate`` at a time."""
    return _FACT_LIST.validate_python(
        [
            {**row, "evidence": [{"chunk_id": c, "document_id": document_of(c)} for c in row["evidence"] or ()]}
            for row in rows
        ]
    )


def _neighbours(linked: Sequence[LinkedEntity], facts: Sequence[Fact]) -> list[str]:
    """Entities one relation away from a linked entity, most confident relations first."""
    ids = {e.id for e in linked}
    near = [f.object_id if f.subject_id in ids else f.subject_id for f in facts if {f.subject_id, f.object_id} & ids]
    return list(dict.fromkeys(near))


def _passage_restart(passages: Sequence[Passage], mentions: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Without linked entities, restart at the entities of the best passages, weighted by passage score."""
    weight = {p.chunk_id: max(p.score, 1e-6) for p in passages}
    restart: dict[str, float] = {}
    for chunk_id, entity_id in mentions:
        if chunk_id in weight:
            restart[entity_id] = restart.get(entity_id, 0.0) + weight[chunk_id]
    return restart


def _build(expansion: Expansion, mention_weight: float) -> ig.Graph:
    names = list(dict.fromkeys([*expansion.names, *expansion.chunk_documents]))
    position = {name: i for i, name in enumerate(names)}
    edges, weights, kinds = [], [], []
    for fact in expansion.facts:
        edges.append((position[fact.subject_id], position[fact.object_id]))
        weights.append(max(fact.confidence, 0.05) ** 2)  # typed relations (0.7-0.8) far above co-occurrence (0.3)
        kinds.append(fact.predicate)
    for chunk_id, entity_id in expansion.mentions:
        if chunk_id in position and entity_id in position:
            edges.append((position[chunk_id], position[entity_id]))
            weights.append(mention_weight)
            kinds.append(MENTIONS)
    for first, second in _twins(expansion.names):
        edges.append((position[first], position[second]))
        weights.append(1.0)
        kinds.append(SAME_NAME)
    graph = ig.Graph(n=len(names), edges=edges, directed=False)
    graph.vs["name"] = names
    graph.es["weight"] = weights
    graph.es["kind"] = kinds
    return graph


def _twins(names: Mapping[str, str]) -> list[tuple[str, str]]:
    """Pairs of entities with one name (the NER model typed one country as a place here, an organisation there):
    each joined to the first of its name, so PageRank and paths flow between them as between one entity."""
    first: dict[str, str] = {}
    pairs = []
    for entity_id, name in names.items():
        key = name.casefold()
        if key in first:
            pairs.append((first[key], entity_id))
        else:
            first[key] = entity_id
    return pairs


def _pagerank(graph: ig.Graph, restart: Mapping[str, float], damping: float) -> dict[str, float]:
    names: list[str] = graph.vs["name"] if graph.vcount() else []
    reset = [max(restart.get(name, 0.0), 0.0) for name in names]
    if not names or sum(reset) <= 0:
        return {}
    values = graph.personalized_pagerank(directed=False, damping=damping, reset=reset, weights="weight")
    return {name: float(value) for name, value in zip(names, values, strict=True)}


def _paths(graph: ig.Graph, entity_ids: Sequence[str], expansion: Expansion, *, most: int = 4) -> list[GraphPath]:
    """Shortest paths over entity relations (mentions left out; a step between two entities of one name is no
    relation of its own) between each pair of question entities."""
    present = [e for e in dict.fromkeys(entity_ids) if e in expansion.names][:most]
    if len(present) < 2:
        return []
    relations = graph.subgraph_edges(graph.es.select(kind_ne=MENTIONS), delete_vertices=False)
    facts = {(f.subject_id, f.object_id): f for f in expansion.facts} | {
        (f.object_id, f.subject_id): f for f in expansion.facts
    }
    paths = []
    for source, target in combinations(present, 2):
        with warnings.catch_warnings():  # igraph warns when two entities are not connected: no path, not an error
            warnings.simplefilter("ignore", RuntimeWarning)
            found = relations.get_shortest_paths(source, to=target, output="vpath")[0]
        if len(found) < 2:
            continue
        ids = [relations.vs[i]["name"] for i in found]
        steps = [facts[(a, b)] for a, b in pairwise(ids) if (a, b) in facts]
        edges = [
            GraphEdge(
                source=f.subject_id,
                target=f.object_id,
                type=f.predicate,
                confidence=f.confidence,
                evidence=[e.chunk_id for e in f.evidence],
            )
            for f in steps
        ]
        paths.append(GraphPath(nodes=ids, names=[expansion.names.get(i, i) for i in ids], edges=edges))
    return paths
