"""The analysts' material in cypher/browser: every saved query compiles, the style sheet names every label."""

from __future__ import annotations

import re
from importlib import resources

from kg.graph import GraphStore


def saved_queries() -> dict[str, str]:
    """The saved queries by name, from the `// name:` blocks of cypher/browser/saved_queries.cypher."""
    text = (resources.files("cypher") / "browser" / "saved_queries.cypher").read_text(encoding="utf-8")
    blocks = re.split(r"^// name: (.+)$", text, flags=re.MULTILINE)[1:]
    return {name.strip(): body.strip() for name, body in zip(blocks[::2], blocks[1::2], strict=True)}


def test_saved_queries_compile_on_the_server(store: GraphStore) -> None:
    queries = saved_queries()
    assert len(queries) >= 8
    for name, query in queries.items():
        assert query.endswith(";"), name
        store.run_text("EXPLAIN " + query.rstrip(";"))


def test_style_covers_the_graph_model() -> None:
    style = (resources.files("cypher") / "browser" / "style.grass").read_text(encoding="utf-8")
    for label in ("Document", "Chunk", "Entity", "Person", "Organization", "Location"):
        assert re.search(rf"node\.{label}\s*\{{", style), label
    assert style.count("{") == style.count("}")


def test_guide_names_the_saved_queries_and_style() -> None:
    guide = (resources.files("cypher") / "browser" / "guide.md").read_text(encoding="utf-8")
    assert "style.grass" in guide and "saved_queries.cypher" in guide
