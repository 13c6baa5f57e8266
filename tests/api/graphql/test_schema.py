"""The exported schema file is the schema the code builds; limits estimate cost as documented."""

from __future__ import annotations

import difflib

from graphql import parse
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache

from trellis.api.graphql import SCHEMA_FILE, build_schema, schema_sdl
from trellis.api.graphql.limits import estimate_cost, limit_extensions
from trellis.kg.settings import Settings


def test_schema_file_matches_the_code() -> None:
    built, saved = schema_sdl(), SCHEMA_FILE.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(saved.splitlines(True), built.splitlines(True), "schema.graphql", "code"))
    assert not diff, f"regenerate with `python -m trellis.api.graphql.schema`:\n{diff}"


def test_production_schema_hides_introspection_and_masks_errors() -> None:
    schema = build_schema(Settings(api_production=True, api_keys={"k" * 32: "read"}))
    result = schema.execute_sync("{ __schema { types { name } } }")
    assert result.errors and "introspection" in result.errors[0].message.lower()


def test_cost_counts_children_once_per_page_item() -> None:
    document = parse("{ entities(first: 10) { edges { node { relations(first: 5) { triple } } } } }")
    cost = estimate_cost(document.definitions[0].selection_set, {}, page_cap=100)  # type: ignore[attr-defined]
    # entities: 1 + 10 * (edges: 1 + node: (1 + relations: (1 + 5 * triple 1)))
    assert cost == 1 + 10 * (1 + 1 * (1 + 1 * (1 + 5 * 1)))


def _deep(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"relations {{ subject {{ {inner} }} }}"
    return f'{{ entity(name: "x") {{ {inner} }} }}'


def test_cached_documents_are_still_refused_every_time() -> None:
    """The parser and validation caches remember a refusal too: the same over-deep or over-long document is refused
    on every call, with or without the caches."""
    for size in (256, 0):
        schema = build_schema(Settings(api_graphql_cache_size=size, api_max_tokens=100))
        for _ in range(3):
            deep = schema.execute_sync(_deep(12))
            assert deep.errors and "depth" in deep.errors[0].message.lower()
            long = schema.execute_sync("{ " + " ".join(f"a{i}: __typename" for i in range(60)) + " }")
            assert long.errors and "token" in long.errors[0].message.lower()


def test_limit_rules_are_made_once_per_schema() -> None:
    """The validation cache is keyed by the rule classes: every operation must get the same ones."""
    factories = limit_extensions(Settings())
    first = [factory() for factory in factories]
    second = [factory() for factory in factories]
    rules = [e.validation_rules for e in first if isinstance(e, AddValidationRules)]
    assert rules and rules == [e.validation_rules for e in second if isinstance(e, AddValidationRules)]
    assert any(isinstance(e, ValidationCache) for e in first) and any(isinstance(e, ParserCache) for e in first)
    assert not any(
        isinstance(f(), ParserCache | ValidationCache) for f in limit_extensions(Settings(api_graphql_cache_size=0))
    )
