"""Counts of the graph and the indexes, and the server, against the real server."""

from __future__ import annotations

from trellis.api.services.status import graph_counts, graph_stats, server_info
from trellis.retrieval import Retriever


def test_counts_agree_between_the_graph_and_the_indexes(retriever: Retriever) -> None:
    counts = graph_counts(retriever.store)
    assert counts.documents == 5 and counts.chunks > 0 and counts.entities > 0 and counts.relationships > 0
    stats = graph_stats(retriever)
    assert stats.chunk_vectors == stats.chunks == counts.chunks and stats.entity_vectors > 0
    assert list(counts.model_dump()) == ["documents", "chunks", "entities", "relationships"]


def test_the_server_names_its_version_and_edition(retriever: Retriever) -> None:
    server = server_info(retriever.store)
    assert server.version.startswith(("5.", "20")) and server.edition in {"community", "enterprise"}
