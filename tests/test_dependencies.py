"""The dependency floors keep out versions with known holes or without the APIs the code uses, and what is
installed meets them."""

from __future__ import annotations

import tomllib
from importlib.metadata import version

import pytest
from packaging.requirements import Requirement

from tests.support import REPO

FLOORS = [
    # name, the last version refused, the first allowed, why
    ("starlette", "0.49.0", "0.49.1"),  # CVE-2025-62727: a Range header makes static responses (GraphiQL's) spin
    ("mcp", "1.26.0", "2.0.0"),  # mcp.server.mcpserver, which api/mcp builds on
    ("transformers", "4.55.4", "4.56.0"),  # from_pretrained(dtype=...) and from_config(dtype=...), used throughout
    ("torch", "2.5.1", "2.6.0"),  # CVE-2025-32434: torch.load(weights_only=True) could still run a file's code
]


def _requirements() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {(r := Requirement(line)).name: r for line in project["dependencies"]}


@pytest.mark.parametrize(("name", "refused", "allowed"), FLOORS)
def test_the_floor_is_declared_and_met(name: str, refused: str, allowed: str) -> None:
    specifier = _requirements()[name].specifier
    assert not specifier.contains(refused) and specifier.contains(allowed)
    assert specifier.contains(version(name)), f"installed {name} {version(name)} is outside {specifier}"
