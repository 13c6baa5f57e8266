"""The nodes and edges of the graph that an answer used."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.types.graph_edge import GraphEdge
from trellis.api.graphql.types.graph_node import GraphNode
from trellis.retrieval.types import Subgraph as DomainSubgraph

__all__ = ["Subgraph"]


@strawberry.type(description="The nodes and edges of the graph that an answer used.")
class Subgraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]

    @classmethod
    def from_domain(cls, subgraph: DomainSubgraph) -> Subgraph:
        return cls(
            nodes=[GraphNode.from_domain(node) for node in subgraph.nodes],
            edges=[GraphEdge.from_domain(edge) for edge in subgraph.edges],
        )
