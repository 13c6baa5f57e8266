"""A picture of an answer's subgraph: entities coloured by type, the relations used, the chunks cited."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from trellis.retrieval.types import Answer

__all__ = ["draw_answer"]

_COLOURS = {
    "Person": "#F79767", "Organization": "#57C7E3", "Location": "#8DCC93", "Group": "#C990C0", "Event": "#FFC454",
    "Work": "#DA7194", "Date": "#ECB5C9", "Quantity": "#FFE081",
}  # fmt: skip  # the same colours as cypher/browser/style.grass
_CHUNK = "#D9DDE3"
_OTHER = "#A5ABB6"


def draw_answer(answer: Answer, path: Path | str, *, max_nodes: int = 40) -> Path:
    """Draw the answer's subgraph (its highest-ranked nodes) to a PNG file and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nodes = sorted(answer.subgraph.nodes, key=lambda node: -node.score)[:max_nodes]
    keep = {node.id for node in nodes}
    cited = set(answer.chunk_ids)
    graph = nx.MultiDiGraph()
    for node in nodes:
        graph.add_node(node.id, label=node.name if node.kind == "entity" else f"chunk {node.name}"[:24], node=node)
    for edge in answer.subgraph.edges:
        if edge.source in keep and edge.target in keep:
            graph.add_edge(edge.source, edge.target, label="" if edge.type == "MENTIONS" else edge.type)

    figure, axes = plt.subplots(figsize=(12, 8), dpi=110)
    axes.set_axis_off()
    title = answer.text if len(answer.text) < 110 else answer.text[:107] + "..."
    axes.set_title(f"{answer.question}\n{title}", fontsize=10, loc="left")
    if graph.number_of_nodes():
        layout = nx.spring_layout(graph, seed=7, k=1.2 / max(1, graph.number_of_nodes()) ** 0.5)
        colours, sizes, borders = [], [], []
        for node_id in graph.nodes:
            node = graph.nodes[node_id]["node"]
            colours.append(_CHUNK if node.kind == "chunk" else _COLOURS.get(node.type or "", _OTHER))
            sizes.append(300 if node.kind == "chunk" else 900)
            borders.append("#D62728" if node_id in cited else "#555555")
        nx.draw_networkx_nodes(graph, layout, node_color=colours, node_size=sizes, edgecolors=borders, ax=axes)
        nx.draw_networkx_edges(graph, layout, edge_color="#888888", arrows=True, arrowsize=10, ax=axes)
        nx.draw_networkx_labels(graph, layout, {n: graph.nodes[n]["label"] for n in graph.nodes}, font_size=8, ax=axes)
        labels = {(u, v): d["label"] for u, v, d in graph.edges(data=True) if d["label"]}
        nx.draw_networkx_edge_labels(graph, layout, edge_labels=labels, font_size=7, ax=axes)
    else:
        axes.text(0.5, 0.5, "no subgraph: the graph does not hold the answer", ha="center", va="center")
    output = Path(path)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, bbox_inches="tight")
    plt.close(figure)
    return output
