"""Apply ``cypher/schema.cypher`` idempotently and report what the database holds."""

from __future__ import annotations

from trellis.kg.graph.queries import schema_statements
from trellis.kg.graph.store import GraphStore, Record

__all__ = ["apply_schema", "describe_schema"]


def apply_schema(store: GraphStore, *, timeout_s: int = 300) -> list[Record]:
    """Create the constraints and indexes that are missing, wait until all are online, and list the indexes."""
    for statement in schema_statements():
        store.run_text(statement, {"dimensions": store.settings.embedding_dimensions}, write=True)
    store.execute("await_indexes", timeout_s=timeout_s)
    return store.query("list_indexes")


def describe_schema(store: GraphStore) -> dict[str, list[Record]]:
    """The indexes and constraints of the database."""
    return {"indexes": store.query("list_indexes"), "constraints": store.query("list_constraints")}
