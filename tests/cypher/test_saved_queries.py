"""The analysts' material in cypher/browser: every saved query compiles, the style sheet names every label."""

from __future__ import annotations

import re
from importlib import resources

from trellis.kg.graph import GraphStore
from trellis.retrieval import Retriever


def saved_queries() -> dict[str, str]:
    """The saved queries by name, from the `// name:` blocks of cypher/browser/saved_queries.cypher."""
    text = (resources.files("trellis.cypher") / "browser" / "saved_queries.cypher").read_text(encoding="utf-8")
    blocks = re.split(r"^// name: (.+)$", text, flags=re.MULTILINE)[1:]
    return {name.strip(): body.strip() for name, body in zip(blocks[::2], blocks[1::2], strict=True)}


def test_saved_queries_compile_on_the_server(store: GraphStore) -> None:
    queries = saved_queries()
    assert len(queries) >= 8
    for name, query in queries.items():
        assert query.endswith(";"), name
        store.run_text("EXPLAIN " + query.rstrip(";"))


def test_style_covers_the_graph_model() -> None:
    style = (resources.files("trellis.cypher") / "browser" / "style.grass").read_text(encoding="utf-8")
    for label in ("Document", "Chunk", "Entity", "Person", "Organization", "Location"):
        assert re.search(rf"node\.{label}\s*\{{", style), label
    assert style.count("{") == style.count("}")


def test_guide_names_the_saved_queries_and_style() -> None:
    guide = (resources.files("trellis.cypher") / "browser" / "guide.md").read_text(encoding="utf-8")
    assert "style.grass" in guide and "saved_queries.cypher" in guide


def test_the_guide_lists_every_relationship_type_of_the_schema() -> None:
    from trellis.kg.ingest.extraction.schema import load_schema

    guide = (resources.files("trellis.cypher") / "browser" / "guide.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([A-Z_]+)` \|", guide, flags=re.MULTILINE)
    assert listed == load_schema().names


def test_a_question_shaped_saved_query_answers_on_the_ingested_sample(retriever: Retriever) -> None:
    query = saved_queries()[
        "Ask - the capital, largest city, language and currency of a place (set :param name => 'Angola')"
    ]
    rows = retriever.store.run_text(query.rstrip(";"), {"name": "Angola"})
    facts = {(row["fact"], row["answer"]) for row in rows}
    assert ("CAPITAL_OF", "Luanda") in facts and ("LANGUAGE_OF", "Portuguese") in facts
    assert all(row["phrase"] and row["evidence"] for row in rows), "each fact says what the text said, and where"
