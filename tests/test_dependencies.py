"""The dependency floors keep out versions with known holes or without the APIs the code uses, and what is
installed meets them."""

from __future__ import annotations

import tomllib
from importlib.metadata import version

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import REPO

INSTALLED_EXTRAS = ("dev", "eval", "parquet", "ray")
"""The extras scripts/install.sh installs, in its order."""

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


def _locked() -> dict[str, str]:
    lines = (REPO / "requirements.lock").read_text().splitlines()
    pins = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {canonicalize_name(name): pinned for name, pinned in pins}


def test_the_lock_pins_every_declared_dependency_within_its_floor() -> None:
    """scripts/install.sh installs requirements.lock's versions: each dependency of the package and of the extras
    the set-up installs is pinned there, to a version its declared specifier allows."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = [line for extra in INSTALLED_EXTRAS for line in project["optional-dependencies"][extra]]
    locked = _locked()
    for line in [*project["dependencies"], *extras]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: bash scripts/lock.sh"
        assert requirement.specifier.contains(locked[name]), f"{name} {locked[name]} is outside {requirement.specifier}"
    install = (REPO / "scripts" / "install.sh").read_text()
    assert f'-c "$repo/requirements.lock" -e "$repo[{",".join(INSTALLED_EXTRAS)}]"' in install
