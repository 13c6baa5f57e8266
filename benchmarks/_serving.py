"""What the API benchmarks share: the question mix the clients cycle through, and the real server started as a
separate process (``trellis serve``) on a throwaway Neo4j's graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings

__all__ = [
    "KEY",
    "QUESTIONS",
    "REPO",
    "baseline_worktree",
    "cli_env",
    "head_revision",
    "percentile",
    "start_api",
    "trellis_command",
]

REPO = Path(__file__).resolve().parent.parent
KEY = "benchmark-write-key-0123456789abcdef"
_FIXED = [
    "What is the capital of Albania?",
    "Which countries border Afghanistan?",
    "Where was Albert Einstein born?",
    "What currency does Angola use?",
    "Who was Aristotle's teacher?",
    "What is the official language of Algeria?",
    "Which river flows through Baghdad?",
    "When did Abraham Lincoln become president?",
]


def _questions() -> list[str]:
    """Every client cycles through a few hundred distinct questions (the fixed ones, then the evaluation sets'),
    so that no cache of the server's can answer the load from a handful of entries."""
    found = list(_FIXED)
    for name in ("singlehop.jsonl", "multihop.jsonl"):
        path = REPO / "data" / "eval" / name
        if path.is_file():
            found += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return list(dict.fromkeys(found))


QUESTIONS = _questions()


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` (0..1) of the sorted ``values``; NaN for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def cli_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """The environment that points a `trellis` subprocess at ``settings``' Neo4j, data and cache folders (this
    process's own TRELLIS_* and NEO4J_* variables left out), with ``overrides`` on top."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRELLIS_", "NEO4J_"))}
    env.update(
        TRELLIS_DATA_DIR=str(settings.data_dir),
        TRELLIS_CACHE_DIR=str(settings.cache_dir),
        TRELLIS_NEO4J_BOLT_PORT=str(settings.neo4j_bolt_port),
        TRELLIS_NEO4J_HTTP_PORT=str(settings.neo4j_http_port),
        TRELLIS_NEO4J_PASSWORD=resolve_password(settings),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    env.update(overrides)  # an override may name a variable set above (crash_recovery.py's own data folder)
    return env


FOLDERS = ("kg", "retrieval", "training", "api", "cypher")  # what setup.py installs under ``trellis.`` (its FOLDERS)


def trellis_command(checkout: Path, shim: Path) -> tuple[list[str], dict[str, str]]:
    """The argv prefix and the extra environment that run the ``trellis`` command of the code in ``checkout`` with
    this interpreter and its packages (whatever the installed ``trellis`` points at)."""
    scripts = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, function = scripts["trellis"].partition(":")
    path = str(checkout)
    if module.startswith("trellis."):  # a namespace layout: the checkout's folders as trellis.<folder>
        (shim / "trellis").mkdir(parents=True)
        for folder in FOLDERS:
            (shim / "trellis" / folder).symlink_to(checkout / folder, target_is_directory=True)
        path = str(shim)
    run = f"import sys; sys.argv[0] = 'trellis'; from {module} import {function}; sys.exit({function}())"
    return [sys.executable, "-c", run], {"PYTHONPATH": path}


@contextmanager
def baseline_worktree(revision: str, folder: Path) -> Iterator[Path]:
    """``revision`` checked out into ``folder / "baseline"`` (a detached git worktree, removed on the way out)."""
    worktree = folder / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), revision], cwd=REPO, check=True)
    try:
        yield worktree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, check=False)
        subprocess.run(["git", "worktree", "prune"], cwd=REPO, check=False)


def head_revision() -> str:
    """The repository's short HEAD, marked when the working tree has uncommitted changes."""
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    return found.stdout.strip() + (" + working tree" if dirty else "")


def start_api(settings: Settings, port: int, log: Path, **overrides: str) -> subprocess.Popen[bytes]:
    """``trellis serve`` on ``port`` as a separate process (key :data:`KEY`, write scope), once /readyz says ready;
    ``overrides`` are more environment variables (``TRELLIS_ANSWER_LOG="false"``)."""
    env = cli_env(
        settings,
        TRELLIS_API_KEYS=json.dumps({KEY: "write"}),
        TRELLIS_DEVICE=settings.device or "cpu",
        TRELLIS_EMBEDDING_CACHE_SIZE=str(settings.embedding_cache_size),
        TRELLIS_API_COMPUTE_THREADS=str(settings.api_compute_threads),
        TRELLIS_API_SWITCH_INTERVAL_MS=str(settings.api_switch_interval_ms),
        **overrides,
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "trellis.api.cli", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the API exited: see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(1)
    process.terminate()
    raise SystemExit(f"the API was not ready in 600 s: see {log}")
