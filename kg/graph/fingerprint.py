"""A fingerprint of the whole graph: equal fingerprints, equal graphs (node ids and labels, relationships with their
provenance). Tests and the crash-recovery benchmark compare an interrupted-then-resumed ingest with a clean one."""

from __future__ import annotations

from trellis.kg.graph.store import GraphStore

__all__ = ["Fingerprint", "graph_fingerprint"]

Fingerprint = tuple[tuple[str, ...], tuple[str, ...]]


def graph_fingerprint(store: GraphStore) -> Fingerprint:
    """Every node id with its labels, and every relationship with its sorted evidence, documents and phrase."""
    nodes = tuple(sorted(f"{row['id']}:{','.join(sorted(row['labels']))}" for row in store.query("graph_node_ids")))
    edges = tuple(
        sorted(
            f"{row['start']}-{row['type']}->{row['end']}"
            f"|{','.join(sorted(row['evidence'] or []))}|{','.join(sorted(row['documents'] or []))}|{row['phrase']}"
            for row in store.query("graph_relationships")
        )
    )
    return nodes, edges
