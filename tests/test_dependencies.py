"""The dependency floors keep out versions with known holes or without the APIs the code uses, and what is
installed meets them."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import REPO

INSTALLED_EXTRAS = "all"
"""The extra scripts/install.sh installs: every other one but the GPU's."""

FLOORS = [
    # name, the last version refused, the first allowed, why
    ("starlette", "0.49.0", "0.49.1"),  # CVE-2025-62727: a Range header makes static responses (GraphiQL's) spin
    ("mcp", "1.26.0", "2.0.0"),  # mcp.server.mcpserver, which api/mcp builds on
    ("transformers", "4.55.4", "4.56.0"),  # from_pretrained(dtype=...) and from_config(dtype=...), used throughout
    ("torch", "2.5.1", "2.6.0"),  # CVE-2025-32434: torch.load(weights_only=True) could still run a file's code
]


def _requirements() -> dict[str, Requirement]:
    return {requirement.name: requirement for requirement in _declared("all")}


@pytest.mark.parametrize(("name", "refused", "allowed"), FLOORS)
def test_the_floor_is_declared_and_met(name: str, refused: str, allowed: str) -> None:
    specifier = _requirements()[name].specifier
    assert not specifier.contains(refused) and specifier.contains(allowed)
    assert specifier.contains(version(name)), f"installed {name} {version(name)} is outside {specifier}"


def _declared(*extras: str) -> list[Requirement]:
    """The package's requirements with those of ``extras``, an extra naming others (``trellis[api,dev]``) expanded."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    pending, seen = list(extras), set()
    while pending:
        if (extra := pending.pop()) in seen:
            continue
        seen.add(extra)
        for requirement in map(Requirement, project["optional-dependencies"][extra]):
            if canonicalize_name(requirement.name) == "trellis":
                pending += sorted(requirement.extras)
            else:
                found.append(requirement)
    return found


def _locked() -> dict[str, str]:
    lines = (REPO / "requirements.lock").read_text().splitlines()
    pins = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {canonicalize_name(name): pinned for name, pinned in pins}


def test_the_lock_pins_every_declared_dependency_within_its_floor() -> None:
    """scripts/install.sh installs requirements.lock's versions: each dependency of the package and of the extras
    the set-up installs is pinned there, to a version its declared specifier allows."""
    locked = _locked()
    for requirement in _declared(INSTALLED_EXTRAS):
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: bash scripts/lock.sh"
        assert requirement.specifier.contains(locked[name]), f"{name} {locked[name]} is outside {requirement.specifier}"
    install = (REPO / "scripts" / "install.sh").read_text()
    assert f'-c "$repo/requirements.lock" -e "$repo[{INSTALLED_EXTRAS}]"' in install


# Where an import may come from an extra: a path prefix and the extras its imports may use beside the core
# dependencies. Everything else in kg/ and retrieval/ is the library, which the core install must run.
EXTRAS_BY_PLACE = {
    "kg/chat_models.py": ("langchain",),
    "kg/exchange": ("parquet",),
    "kg/ingest/distributed": ("ray", "parquet"),
    "retrieval/drawing.py": ("api",),
    "retrieval/evaluation": ("eval",),
    "retrieval/generators/chat.py": ("langchain",),
    "retrieval/langchain.py": ("langchain",),
    "training": ("train", "langchain"),
    "api": ("api", "train", "langchain", "parquet", "ray", "eval"),
}


def _allowed_extras(path: str) -> tuple[str, ...]:
    return next((extras for place, extras in EXTRAS_BY_PLACE.items() if path.startswith(place)), ())


def _third_party_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name not in {"trellis", "__future__"}}


@pytest.mark.parametrize("folder", ["kg", "retrieval", "training", "api"])
def test_every_import_is_declared_where_it_is_used(folder: str) -> None:
    """Each third-party module a package imports comes from a core dependency, or from an extra that the place
    using it declares (a library user installs no API, training or benchmark stack to ingest and retrieve)."""
    distributions = packages_distributions()
    undeclared = []
    for path in sorted((REPO / folder).rglob("*.py")):
        place = path.relative_to(REPO).as_posix()
        declared = {canonicalize_name(r.name) for r in _declared(*_allowed_extras(place))}
        for module in sorted(_third_party_imports(path)):
            provided = {canonicalize_name(name) for name in distributions.get(module, [module])}
            if not provided & declared:
                undeclared.append(f"{place}: {module} ({', '.join(sorted(provided))})")
    assert not undeclared, "declare these in pyproject.toml (core or the place's extra): " + "; ".join(undeclared)
