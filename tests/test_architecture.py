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
SERVICES = (
    "answers",
    "ask",
    "documents",
    "entities",
    "feedback",
    "ingest",
    "neighbourhood",
    "search",
    "status",
    "types",
)


def _sources() -> list[Path]:
    return [path for package in PACKAGES for path in (REPO / package).rglob("*.py")]


def _imported_packages(path: Path) -> set[str]:
    """The card's packages that ``path`` imports (``trellis.kg.types`` -> ``kg``)."""
    names = {
        module.split(".")[1]
        for _, module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module.startswith("trellis.") and module.count(".")
    }
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
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trellis.kg.graph"):
            loaded = {alias.name for alias in node.names} & QUERY_LOADER
            if loaded or node.module == "trellis.kg.graph.queries":
                found.append(f"{node.lineno}: imports {', '.join(sorted(loaded)) or node.module}")
        elif isinstance(node, ast.Import) and any(alias.name == "trellis.kg.graph.queries" for alias in node.names):
            found.append(f"{node.lineno}: imports trellis.kg.graph.queries")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in STORE_CALLS:
            found.append(f"{node.lineno}: calls .{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", _interfaces(), ids=lambda path: str(path.relative_to(REPO)))
def test_interfaces_go_through_the_service_layer(path: Path) -> None:
    found = _named_query_uses(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, "call api/services instead of running named queries: " + "; ".join(found)


def test_the_service_check_catches_a_named_query() -> None:
    source = "from trellis.kg.graph import load_query\nrows = store.query('list_documents', skip=0, limit=5)\n"
    assert _named_query_uses(ast.parse(source)) == ["1: imports load_query", "2: calls .query()"]
    assert {path.stem for path in (REPO / "api" / "services").glob("*.py")} - {"__init__"} == set(SERVICES)


def test_no_module_is_a_thousand_line_file() -> None:
    long = [f"{p.relative_to(REPO)} ({n})" for p in _sources() if (n := len(p.read_text().splitlines())) > 400]
    assert not long, "split these modules: " + ", ".join(long)


OUR_PACKAGES = (*PACKAGES, "cypher")
"""Installed as ``trellis.kg``, ``trellis.api`` ... (setup.py): never imported by their bare folder names."""


@pytest.mark.parametrize("folder", [*OUR_PACKAGES, "tests", "benchmarks", "scripts"])
def test_the_packages_are_imported_under_the_trellis_name(folder: str) -> None:
    bare = [
        f"{path.relative_to(REPO)}:{line}: {module}"
        for path in (REPO / folder).rglob("*.py")
        for line, module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module.split(".")[0] in OUR_PACKAGES
    ]
    assert not bare, "import trellis.<package>, which is what the wheel installs: " + ", ".join(bare)


LONGEST_FUNCTION = 50
"""Lines from ``def`` to the function's last line, signature and docstring included."""


def test_no_function_is_longer_than_a_screen() -> None:
    long = [
        f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length})"
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > LONGEST_FUNCTION
    ]
    assert not long, "tell these as a story of named steps: " + ", ".join(long)


def test_no_top_level_folder_shadows_the_driver() -> None:
    assert not (REPO / "neo4j").exists()


@pytest.mark.parametrize(
    "module",
    [
        "trellis.kg.errors",
        "trellis.kg.settings",
        "trellis.kg.types",
        *(f"trellis.api.services.{name}" for name in SERVICES),
    ],
)
def test_public_names_are_deliberate(module: str) -> None:
    """Modules' ``__all__`` sorted and real (packages' are pinned name by name in tests/test_public_names.py)."""
    loaded = importlib.import_module(module)
    exported = loaded.__all__
    assert sorted(exported) == list(exported), "keep __all__ sorted"
    for name in exported:
        assert hasattr(loaded, name), name


def test_every_error_names_its_purpose() -> None:
    errors = importlib.import_module("trellis.kg.errors")
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, errors.TrellisError)
        assert error.__doc__ and error.__doc__.strip().endswith("."), name
        assert name in (errors.__doc__ or ""), f"{name} missing from the hierarchy tree in kg/errors.py"


# What retrieval may import of ingestion: the spaCy pipeline and labels ingest reads documents with, so questions are
# read alike; the evaluation harness also builds the graphs it evaluates. Storage (locks, generations, chunk ids,
# indexes) comes from kg's own modules (kg.lock, kg.types, kg.vectors), never from the ingest pipeline's.
RETRIEVAL_MAY_USE_OF_INGEST = ("trellis.kg.ingest.extraction",)
EVALUATION_MAY_USE_OF_INGEST = ("trellis.kg.ingest.pipeline", "trellis.kg.ingest.report")


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize(
    "path", sorted((REPO / "retrieval").rglob("*.py")), ids=lambda path: str(path.relative_to(REPO))
)
def test_retrieval_uses_no_ingest_internals(path: Path) -> None:
    allowed = RETRIEVAL_MAY_USE_OF_INGEST
    if path.relative_to(REPO).parts[1] == "evaluation":
        allowed += EVALUATION_MAY_USE_OF_INGEST
    offenders = [
        f"{line}: {module}"
        for line, module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module.startswith("trellis.kg.ingest")
        and not any(module == a or module.startswith(a + ".") for a in allowed)
    ]
    assert not offenders, "import storage helpers from kg's own modules: " + ", ".join(offenders)


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(("trellis", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def _module_imports(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that ``path`` imports at its top level (``if TYPE_CHECKING:`` blocks included;
    imports inside functions, which run late, left out)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        for statement in node.body if isinstance(node, ast.If) else [node]:
            if isinstance(statement, ast.Import):
                found |= {alias.name for alias in statement.names}
            elif isinstance(statement, ast.ImportFrom) and statement.module and statement.level == 0:
                found |= {f"{statement.module}.{a.name}" for a in statement.names} | {statement.module}
    return found & modules


def test_no_import_cycles() -> None:
    """No cycle of module imports, package inits included (each module can be read before its users)."""
    paths = {_module_name(p): p for package in PACKAGES for p in (REPO / package).rglob("*.py")}
    imports = {name: _module_imports(path, set(paths)) - {name} for name, path in paths.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            raise AssertionError("import cycle: " + " -> ".join((*trail[trail.index(name) :], name)))
        if name not in done:
            for imported in sorted(imports[name]):
                visit(imported, (*trail, name))
            done.add(name)

    for name in sorted(imports):
        visit(name, ())
