"""The house rules that keep the code base navigable, checked on the source (STYLE.md, DESIGN.md)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from tests.support import REPO

PACKAGES = ("kg", "retrieval", "training", "api")
# Who may import whom: imports point down api -> retrieval, training -> kg (training may use retrieval's context).
ALLOWED = {
    "kg": {"kg"},
    "retrieval": {"retrieval", "kg"},
    "training": {"training", "retrieval", "kg"},
    "api": {"api", "retrieval", "training", "kg"},
}
CYPHER_LOADER = REPO / "kg" / "graph" / "queries.py"
CYPHER_KEYWORDS = re.compile(r"\b(MATCH|MERGE|DETACH DELETE)\s*\(", re.IGNORECASE)
# Every interface reads and writes through api/services; none loads or runs a named query itself.
INTERFACES = ("api/graphql", "api/mcp", "api/chat", "api/jobs.py", "api/cli")
QUERY_LOADER = {"load_query", "query_names", "schema_statements"}
STORE_CALLS = {"query", "execute", "run_text", "write_batches", "write_transaction"}
SERVICES = ("ask", "documents", "entities", "ingest", "neighbourhood", "search", "status", "types")


def _sources() -> list[Path]:
    return [path for package in PACKAGES for path in (REPO / package).rglob("*.py")]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(PACKAGES)


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(REPO)))
def test_imports_point_down(path: Path) -> None:
    package = path.relative_to(REPO).parts[0]
    assert _imported_packages(path) <= ALLOWED[package]


def test_no_cypher_outside_the_cypher_folder() -> None:
    offenders = []
    for path in _sources():
        if path == CYPHER_LOADER:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CYPHER_KEYWORDS.search(node.value):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, "Cypher belongs in cypher/queries/*.cypher: " + ", ".join(offenders)


def _interfaces() -> list[Path]:
    return [p for part in INTERFACES for p in ([REPO / part] if part.endswith(".py") else (REPO / part).rglob("*.py"))]


def _named_query_uses(tree: ast.AST) -> list[str]:
    """Where a module imports the named-query loader or calls the store's query and write methods."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg.graph"):
            loaded = {alias.name for alias in node.names} & QUERY_LOADER
            if loaded or node.module == "kg.graph.queries":
                found.append(f"{node.lineno}: imports {', '.join(sorted(loaded)) or node.module}")
        elif isinstance(node, ast.Import) and any(alias.name == "kg.graph.queries" for alias in node.names):
            found.append(f"{node.lineno}: imports kg.graph.queries")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in STORE_CALLS:
            found.append(f"{node.lineno}: calls .{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", _interfaces(), ids=lambda path: str(path.relative_to(REPO)))
def test_interfaces_go_through_the_service_layer(path: Path) -> None:
    found = _named_query_uses(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, "call api/services instead of running named queries: " + "; ".join(found)


def test_the_service_check_catches_a_named_query() -> None:
    source = "from kg.graph import load_query\nrows = store.query('list_documents', skip=0, limit=5)\n"
    assert _named_query_uses(ast.parse(source)) == ["1: imports load_query", "2: calls .query()"]
    assert {path.stem for path in (REPO / "api" / "services").glob("*.py")} - {"__init__"} == set(SERVICES)


def test_no_module_is_a_thousand_line_file() -> None:
    long = [f"{p.relative_to(REPO)} ({n})" for p in _sources() if (n := len(p.read_text().splitlines())) > 400]
    assert not long, "split these modules: " + ", ".join(long)


def test_no_top_level_folder_shadows_the_driver() -> None:
    assert not (REPO / "neo4j").exists()


@pytest.mark.parametrize(
    "module", ["kg", "kg.errors", "kg.settings", "kg.graph", "kg.types", *(f"api.services.{name}" for name in SERVICES)]
)
def test_public_names_are_deliberate(module: str) -> None:
    loaded = importlib.import_module(module)
    exported = loaded.__all__
    assert sorted(exported) == list(exported), "keep __all__ sorted"
    for name in exported:
        assert hasattr(loaded, name), name


def test_every_error_names_its_purpose() -> None:
    errors = importlib.import_module("kg.errors")
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, errors.TrellisError)
        assert error.__doc__ and error.__doc__.strip().endswith("."), name
        assert name in (errors.__doc__ or ""), f"{name} missing from the hierarchy tree in kg/errors.py"
