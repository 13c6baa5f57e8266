"""What the graph and the indexes hold, and which Neo4j server holds it.

Its models live here, not in :mod:`api.services.types`, so ``trellis neo4j status`` reads them without loading
retrieval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from trellis.kg.graph import GraphStore

if TYPE_CHECKING:
    from trellis.retrieval import Retriever

__all__ = ["GraphCounts", "GraphStats", "ServerInfo", "graph_counts", "graph_stats", "server_info"]


class GraphCounts(BaseModel):
    """How many documents, chunks, entities and relationships the graph holds."""

    documents: int
    chunks: int
    entities: int
    relationships: int


class GraphStats(GraphCounts):
    """The graph's counts and how many chunk and entity vectors the dense search holds."""

    chunk_vectors: int
    entity_vectors: int


class ServerInfo(BaseModel):
    """The Neo4j server's version and edition."""

    version: str
    edition: str


def graph_counts(store: GraphStore) -> GraphCounts:
    """How many documents, chunks, entities and relationships the graph holds."""
    return GraphCounts.model_validate(store.query("graph_counts")[0])


def graph_stats(retriever: Retriever) -> GraphStats:
    """The graph's counts and the sizes of the retriever's chunk and entity vector indexes."""
    counts = graph_counts(retriever.store)
    return GraphStats(
        **counts.model_dump(), chunk_vectors=len(retriever.chunk_index), entity_vectors=len(retriever.entity_index)
    )


def server_info(store: GraphStore) -> ServerInfo:
    """The version and edition of the server the store talks to."""
    return ServerInfo.model_validate(store.query("server_components")[0])
