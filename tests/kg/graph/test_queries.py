"""Named queries: the loader, and every shipped query compiles on the real server (EXPLAIN)."""

from __future__ import annotations

import pytest

from trellis.kg.errors import QueryNotFoundError
from trellis.kg.graph import GraphStore, load_query, query_names, schema_statements


def test_every_named_query_compiles(store: GraphStore) -> None:
    names = query_names()
    assert "graph_counts" in names
    for name in names:
        body = "\n".join(line for line in load_query(name).splitlines() if not line.startswith("//"))
        if body.upper().startswith(("SHOW ", "CALL DB.AWAITINDEXES")):
            continue  # administration commands cannot be EXPLAINed
        store.run_text("EXPLAIN " + body)


@pytest.mark.parametrize("name", ["../schema", "DROP", "graph counts", "graph_counts;", ""])
def test_names_outside_the_folder_are_refused(name: str) -> None:
    with pytest.raises(QueryNotFoundError):
        load_query(name)


def test_unknown_query_names_the_expected_file() -> None:
    with pytest.raises(QueryNotFoundError, match=r"cypher/queries/no_such_query\.cypher"):
        load_query("no_such_query")


def test_schema_statements_are_idempotent_creates() -> None:
    statements = schema_statements()
    assert len(statements) >= 7
    assert all(" IF NOT EXISTS " in statement for statement in statements)
