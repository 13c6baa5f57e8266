"""Packages whose public names load on first use (:func:`retrieval.lazy.lazy_names`): each name is the object its
module defines, and importing a light module of the package loads no model library."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.support import MODEL_LIBRARIES, REPO

LAZY_PACKAGES = {
    "trellis.retrieval": ("retrieval/__init__.py", "trellis.retrieval.retriever"),
    "trellis.retrieval.evaluation": ("retrieval/evaluation/__init__.py", "trellis.retrieval.evaluation.systems"),
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
    assert int(done.stdout) == len(homes) > 10


def test_choosing_a_question_set_loads_no_model_library() -> None:
    script = (
        "import sys\n"
        "from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR, SYSTEM_NAMES, load_sets\n"
        "from trellis.retrieval.evaluation.question_sets import choose_set\n"
        "chosen = choose_set('prose', splits=('dev',))\n"
        "assert chosen.questions > 100 and 'trellis' in chosen.systems and SYSTEM_NAMES\n"
        f"print(' '.join(m for m in {MODEL_LIBRARIES!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ""
