"""What a wheel installs: one import name, ``trellis``, so an application's own ``api`` or ``retrieval`` package and
Trellis's live side by side (setup.py maps the card's folders to ``trellis.kg``, ``trellis.api`` ...)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.support import REPO
from trellis.kg.version import VERSION

BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "kg", "retrieval", "training", "api", "cypher")

APP_CHECK = """
import importlib.resources, sys
import api, retrieval
import trellis.api.cli, trellis.retrieval, trellis.retrieval.retriever, trellis.kg.graph.queries
assert api.OWNER == retrieval.OWNER == "the application", "the application's packages are its own"
installed = sys.argv[1]
for module in (trellis.api.cli, trellis.retrieval, trellis.retrieval.retriever, trellis.kg.graph.queries):
    assert module.__file__.startswith(installed), module.__file__
assert (importlib.resources.files("trellis.cypher") / "queries" / "api_neighbors.cypher").is_file()
assert (importlib.resources.files("trellis.kg") / "ingest" / "extraction" / "relation_types.yaml").is_file()
print("both import")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the working tree's build inputs (the repository itself stays untouched)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in BUILD_INPUTS:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(
            REPO / name,
            source / name,
            **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}),
        )
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(out),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    (built,) = out.glob("trellis-*.whl")
    return built


def test_the_wheel_installs_only_the_trellis_name(wheel: Path) -> None:
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert tops == {"trellis", f"trellis-{VERSION}.dist-info"}
    assert not any(name == "trellis/__init__.py" for name in zipfile.ZipFile(wheel).namelist()), "a namespace"


def test_the_wheel_imports_beside_packages_named_api_and_retrieval(wheel: Path, tmp_path: Path) -> None:
    """A clean virtual environment with the wheel and an application's own ``api`` and ``retrieval`` packages;
    Trellis's dependencies come from this environment's site-packages (a path, so its editable hook stays off)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    install = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--target",
        str(site),
        str(wheel),
    ]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    for name in ("api", "retrieval"):
        (site / name).mkdir()
        (site / name / "__init__.py").write_text('OWNER = "the application"\n')
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    result = subprocess.run(
        [python, "-c", APP_CHECK, str(site)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "both import"

    cli = subprocess.run(
        [python, "-m", "trellis.api.cli", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert cli.returncode == 0 and VERSION in cli.stdout, cli.stderr[-3000:]


LIBRARY_WITHOUT_EXTRAS = """
import sys
for name in ("fastapi", "starlette", "strawberry", "mcp", "uvicorn", "peft", "accelerate", "matplotlib",
             "langchain", "langchain_openai", "langchain_neo4j", "pyarrow", "ray", "rank_bm25", "neo4j_graphrag"):
    sys.modules[name] = None  # as if not installed (typer is not here: spaCy needs it)
import trellis.kg.ingest.pipeline, trellis.kg.graph, trellis.kg.vectors, trellis.retrieval, trellis.retrieval.retriever
try:
    import trellis.api
except ModuleNotFoundError as missing:
    print(missing)
"""


def test_the_library_imports_without_the_extras() -> None:
    """Ingest and retrieval need only the core install; the interfaces say which extra they need."""
    result = subprocess.run(
        [sys.executable, "-c", LIBRARY_WITHOUT_EXTRAS], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trellis.api needs the [api] extra" in result.stdout
    assert "pip install 'trellis[api]'" in result.stdout
