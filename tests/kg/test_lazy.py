"""Packages whose public names load on first use (:func:`kg.lazy.lazy_names`): each name is the object its
module defines, and an unknown name is an AttributeError."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.support import REPO

LAZY_PACKAGES = {
    "trellis.retrieval": ("retrieval/__init__.py", "trellis.retrieval.retriever"),
    "trellis.retrieval.evaluation": ("retrieval/evaluation/__init__.py", "trellis.retrieval.evaluation.systems"),
    "trellis.kg.ingest.distributed": ("kg/ingest/distributed/__init__.py", "trellis.kg.ingest.distributed.runner"),
}
"""Each lazy package: its ``__init__`` and its heaviest module (imported first, as a program using it would)."""


def _declared_homes(init: str, package: str) -> dict[str, str]:
    """Each public name of ``package`` and the module its ``if TYPE_CHECKING:`` import names."""
    tree = ast.parse((REPO / init).read_text(encoding="utf-8"))
    checking = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"]
    return {
        alias.name: node.module or ""
        for block in checking
        for node in block.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{package}.")
        for alias in node.names
    }


@pytest.mark.parametrize("package", sorted(LAZY_PACKAGES))
def test_every_public_name_is_the_object_its_module_defines_in_a_fresh_process(package: str) -> None:
    """Loaded lazily after the submodules are imported, each name is the object of the module the type checker is
    told, never a submodule of the same name."""
    init, heaviest = LAZY_PACKAGES[package]
    homes = _declared_homes(init, package)
    script = (
        f"import importlib, types, {heaviest}\n"
        f"import {package} as package\n"
        f"homes = {homes!r}\n"
        "assert sorted(homes) == sorted(package.__all__), sorted(set(homes) ^ set(package.__all__))\n"
        "assert set(package.__all__) <= set(dir(package))\n"
        "for name, home in homes.items():\n"
        "    value = getattr(package, name)\n"
        "    assert not isinstance(value, types.ModuleType), name\n"
        "    assert value is getattr(importlib.import_module(home), name), (name, home)\n"
        "try:\n"
        "    package.nothing\n"
        "except AttributeError as error:\n"
        "    assert 'no attribute' in str(error) and 'nothing' in str(error), error\n"
        "else:\n"
        "    raise AssertionError('package.nothing resolved')\n"
        "print(len(homes))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(homes) > 0
