"""`cypher/schema.cypher` applied to the real server: constraints, full-text and vector indexes, idempotently."""

from __future__ import annotations

from trellis.kg.graph import GraphStore, apply_schema, describe_schema


def test_schema_creates_fulltext_and_vector_indexes(store: GraphStore) -> None:
    indexes = {row["name"]: row for row in describe_schema(store)["indexes"]}
    assert indexes["chunk_text"]["type"] == "FULLTEXT"
    assert indexes["entity_names"]["type"] == "FULLTEXT"
    assert indexes["entity_names"]["properties"] == ["name", "aliases"]
    assert indexes["chunk_embedding"]["type"] == "VECTOR"
    assert indexes["entity_embedding"]["type"] == "VECTOR"
    assert all(row["state"] == "ONLINE" for row in indexes.values())


def test_vector_indexes_are_384_dimensional_cosine(store: GraphStore) -> None:
    rows = store.query("vector_index_options")
    options = {row["name"]: row["options"]["indexConfig"] for row in rows}
    for name in ("chunk_embedding", "entity_embedding"):
        assert options[name]["vector.dimensions"] == 384
        assert options[name]["vector.similarity_function"].lower() == "cosine"


def test_uniqueness_constraints(store: GraphStore) -> None:
    constraints = {(tuple(c["labelsOrTypes"]), tuple(c["properties"])) for c in describe_schema(store)["constraints"]}
    assert {(("Document",), ("id",)), (("Chunk",), ("id",)), (("Entity",), ("id",))} <= constraints


def test_applying_twice_changes_nothing(store: GraphStore) -> None:
    before = describe_schema(store)
    apply_schema(store)
    assert describe_schema(store) == before
