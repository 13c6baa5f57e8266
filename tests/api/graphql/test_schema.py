"""The exported schema file is the schema the code builds; limits estimate cost as documented."""

from __future__ import annotations

import difflib

from graphql import parse

from api.graphql import SCHEMA_FILE, build_schema, schema_sdl
from api.graphql.limits import estimate_cost
from kg.settings import Settings


def test_schema_file_matches_the_code() -> None:
    built, saved = schema_sdl(), SCHEMA_FILE.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(saved.splitlines(True), built.splitlines(True), "schema.graphql", "code"))
    assert not diff, f"regenerate with `python -m api.graphql.schema`:\n{diff}"


def test_production_schema_hides_introspection_and_masks_errors() -> None:
    schema = build_schema(Settings(api_production=True, api_keys={"k" * 32: "read"}))
    result = schema.execute_sync("{ __schema { types { name } } }")
    assert result.errors and "introspection" in result.errors[0].message.lower()


def test_cost_counts_children_once_per_page_item() -> None:
    document = parse("{ entities(first: 10) { edges { node { relations(first: 5) { triple } } } } }")
    cost = estimate_cost(document.definitions[0].selection_set, {}, page_cap=100)  # type: ignore[attr-defined]
    # entities: 1 + 10 * (edges: 1 + node: (1 + relations: (1 + 5 * triple 1)))
    assert cost == 1 + 10 * (1 + 1 * (1 + 1 * (1 + 5 * 1)))
