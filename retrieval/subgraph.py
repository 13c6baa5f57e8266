"""The subgraph an answer used: its question entities, facts, paths and passages, with the edges between them."""

from __future__ import annotations

from collections.abc import Sequence

from trellis.retrieval.expansion import MENTIONS, Expansion
from trellis.retrieval.types import Fact, GraphEdge, GraphNode, LinkedEntity, Passage, Subgraph

__all__ = ["used_subgraph"]


def used_subgraph(
    entities: Sequence[LinkedEntity], passages: Sequence[Passage], facts: Sequence[Fact], expansion: Expansion
) -> Subgraph:
    """Nodes: the linked entities, the ends of the facts and paths, the passages' chunks. Edges: the facts, the
    path relations, and the mentions between those chunks and entities."""
    entity_ids = [e.id for e in entities]
    entity_ids += [i for f in facts for i in (f.subject_id, f.object_id)]
    entity_ids += [i for path in expansion.paths for i in path.nodes]
    entity_ids = list(dict.fromkeys(entity_ids))
    chunk_ids = list(dict.fromkeys(p.chunk_id for p in passages))
    nodes = [
        GraphNode(
            id=i,
            kind="entity",
            name=expansion.names.get(i, i),
            type=expansion.types.get(i),
            score=round(expansion.ppr.get(i, 0.0), 6),
        )
        for i in entity_ids
    ]
    nodes += [
        GraphNode(
            id=p.chunk_id, kind="chunk", name=p.title or p.chunk_id, score=round(expansion.ppr.get(p.chunk_id, 0.0), 6)
        )
        for p in passages
    ]
    edges: dict[tuple[str, str, str], GraphEdge] = {}
    for fact in facts:
        edges[(fact.subject_id, fact.predicate, fact.object_id)] = GraphEdge(
            source=fact.subject_id,
            target=fact.object_id,
            type=fact.predicate,
            confidence=fact.confidence,
            evidence=[e.chunk_id for e in fact.evidence],
        )
    for path in expansion.paths:
        for edge in path.edges:
            edges.setdefault((edge.source, edge.type, edge.target), edge)
    chunks, known = set(chunk_ids), set(entity_ids)
    for chunk_id, entity_id in expansion.mentions:
        if chunk_id in chunks and entity_id in known:
            edges.setdefault(
                (chunk_id, MENTIONS, entity_id), GraphEdge(source=chunk_id, target=entity_id, type=MENTIONS)
            )
    return Subgraph(nodes=nodes, edges=list(edges.values()))
