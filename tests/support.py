"""Helpers shared by tests: free ports, a model server that never answers, and running the real `trellis` command
line against test settings."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from trellis.kg.settings import Settings

if TYPE_CHECKING:
    from trellis.retrieval import Retriever

REPO = Path(__file__).resolve().parent.parent

SHELL_PREFIXES = ("TRELLIS_", "NEO4J_", "OPENAI_")
"""Variables of a developer's shell that would reach Settings (or the model clients behind them): not in tests."""
MACHINE_VARIABLES = frozenset({"TRELLIS_CACHE_DIR", "TRELLIS_JAVA_HOME", "TRELLIS_MAVEN_COMMAND"})
"""Those that tests keep: where this machine has Java, Maven and the downloads (Neo4j, the models), without which
the session's server could not start offline. They say where things are, not how Trellis behaves."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def silent_endpoint() -> Iterator[str]:
    """The base URL (``http://127.0.0.1:PORT/v1``) of a server that accepts connections (the kernel's backlog)
    and never answers: what a hung model server looks like to a client."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        yield f"http://127.0.0.1:{silent.getsockname()[1]}/v1"


def outcome_within(call: Callable[[], object], seconds: float) -> BaseException | object:
    """What ``call()`` returned or raised, run in a thread; fails the test if it is still running after ``seconds``
    (a bound on a hang, far above the time the call should take: not a timing measurement)."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    assert not worker.is_alive(), f"still waiting after {seconds:.0f} s"
    return outcome[0]


def settings_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """Environment variables that point a `trellis` subprocess at the given settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRELLIS_", "NEO4J_"))}
    env.update(
        TRELLIS_DATA_DIR=str(settings.data_dir),
        TRELLIS_CACHE_DIR=str(settings.cache_dir),
        TRELLIS_NEO4J_BOLT_PORT=str(settings.neo4j_bolt_port),
        TRELLIS_NEO4J_HTTP_PORT=str(settings.neo4j_http_port),
        TRELLIS_NEO4J_HEAP=settings.neo4j_heap,
        TRELLIS_NEO4J_PAGECACHE=settings.neo4j_pagecache,
        HF_HUB_OFFLINE="1",
        COLUMNS="200",
    )
    env.update(overrides)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `trellis` command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "trellis.api.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
    )  # fmt: skip


MODEL_LIBRARIES = ("spacy", "torch", "sentence_transformers", "transformers", "langchain_core")
"""The libraries a command that refuses its input should never have loaded."""


def refused_cli(*args: str, env: dict[str, str] | None = None) -> tuple[object, list[str], str]:
    """Run the `trellis` command line in a fresh process: its exit code, the model libraries it had loaded by then
    (:data:`MODEL_LIBRARIES`), and its stderr."""
    script = (
        "import sys\n"
        "from trellis.api.cli.app import main\n"
        f"sys.argv = ['trellis', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        f"    print(repr(exit.code), ' '.join(m for m in {MODEL_LIBRARIES!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, cwd=REPO, check=False
    )
    code, *loaded = done.stdout.split() or ["None"]
    return ast.literal_eval(code), loaded, done.stderr


def ensure_retrieval_corpus(retriever: Retriever, corpus: Path) -> Retriever:
    """``retriever``, its corpus ingested again first if another test emptied the graph or left another one (the
    graph's chunks must be the retriever's own index's)."""
    from trellis.kg.ingest.pipeline import IngestPipeline
    from trellis.kg.lock import index_lock

    (counts,) = retriever.store.query("graph_counts")
    if counts["chunks"] != len(retriever.chunk_index) or not retriever.store.query(
        "retrieval_entity_fulltext", query="Tirana", limit=1
    ):
        with index_lock(retriever.settings):
            retriever.store.execute("delete_everything")
        IngestPipeline(retriever.settings, store=retriever.store, embedder=retriever.embedder).ingest([corpus])
        retriever.reload_indexes()
    return retriever
