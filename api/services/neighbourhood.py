"""The graph around entities: the neighbourhood of one, and a shortest path between two."""

from __future__ import annotations

from trellis.api.services.entities import entities_by_ids
from trellis.api.services.types import EntityPath, GraphEntity, Neighbour, Neighbourhood
from trellis.kg.graph import GraphStore
from trellis.retrieval.types import GraphEdge

__all__ = ["MAX_HOPS", "MAX_PATH_HOPS", "neighbourhood", "shortest_path"]

MAX_HOPS = 3
"""The farthest a neighbourhood reaches (the query walks at most this many relations)."""
MAX_PATH_HOPS = 6
"""The longest path looked for (the query's bound)."""
RELATIONS_PER_NEIGHBOUR = 4
"""How many relations among a neighbourhood's entities it shows for each neighbour it holds."""


def neighbourhood(store: GraphStore, entity_id: str, *, hops: int, limit: int) -> Neighbourhood | None:
    """The entities within ``hops`` (1-3) relations of the entity, nearest first and at most ``limit``, and the
    relations among them all; None when there is no such entity."""
    found = entities_by_ids(store, [entity_id])
    if not found:
        return None
    center = found[0]
    rows = store.query("api_neighbors", id=center.id, hops=hops, limit=limit)
    near = [Neighbour(entity=GraphEntity.model_validate(row), distance=int(row["distance"])) for row in rows]
    ids = [center.id, *(n.entity.id for n in near)]
    among = store.query("api_relations_among", ids=ids, limit=limit * RELATIONS_PER_NEIGHBOUR)
    relations = [GraphEdge.model_validate(row) for row in among]
    return Neighbourhood(center=center, hops=hops, neighbours=near, relations=relations)


def shortest_path(store: GraphStore, source_id: str, target_id: str, *, max_hops: int) -> EntityPath | None:
    """A shortest chain of at most ``max_hops`` (1-6) relations between two entities; None when there is none (or
    no such entity). An entity's path to itself is the entity alone."""
    if source_id == target_id:
        found = entities_by_ids(store, [source_id])
        return EntityPath(nodes=found, edges=[]) if found else None
    rows = store.query("api_shortest_path", source=source_id, target=target_id)
    if not rows or len(rows[0]["edges"]) > max_hops:
        return None
    nodes = [GraphEntity.model_validate(node) for node in rows[0]["nodes"]]
    return EntityPath(nodes=nodes, edges=[GraphEdge.model_validate(edge) for edge in rows[0]["edges"]])
