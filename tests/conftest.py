"""Test session set-up: settings isolated from the developer's shell and ``.env``, and one real Neo4j server of our
own, on free ports, in a temporary home.

The server is the same local server `trellis neo4j start` runs (same distribution, same launcher); only its ports,
home and memory differ, so tests never touch a developer's database.

The retriever fixtures (a small real corpus ingested once per session: the hand-written sample files, the opening
of the Albania article and a short unrelated one; the real models loaded once) serve tests/retrieval and tests/api.
They import the models' packages inside the fixtures, so sessions that do not use them stay quick to start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from tests.support import MACHINE_VARIABLES, REPO, SHELL_PREFIXES, ensure_retrieval_corpus, free_port
from trellis.kg.graph import GraphStore, LocalServer, apply_schema
from trellis.kg.settings import Settings, get_settings

if TYPE_CHECKING:
    from trellis.kg.vectors import Embedder
    from trellis.retrieval import Retriever

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DOTENV = Settings.model_config.get("env_file")
"""The ``.env`` Settings read outside tests: the current folder's."""


def _isolate(patch: pytest.MonkeyPatch) -> None:
    """Settings built in this process read neither a ``.env`` (wherever the test runs from) nor the shell's
    ``TRELLIS_*``, ``NEO4J_*`` and ``OPENAI_*`` variables (but :data:`~tests.support.MACHINE_VARIABLES`), and
    :func:`get_settings` forgets what it built."""
    for name in list(os.environ):
        if name.startswith(SHELL_PREFIXES) and name not in MACHINE_VARIABLES:
            patch.delenv(name)
    patch.setitem(Settings.model_config, "env_file", None)
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def isolated_session() -> Iterator[None]:
    """The isolation for the session's fixtures too: the test server's settings are built before any test runs."""
    with pytest.MonkeyPatch.context() as patch:
        _isolate(patch)
        yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts isolated, whatever the one before it left behind. A test that needs a variable sets it with
    ``monkeypatch.setenv``; one that reads a ``.env`` on purpose asks for :func:`dotenv`. Subprocesses get their
    environment explicitly (:func:`tests.support.settings_env`), copied from this isolated one."""
    _isolate(monkeypatch)
    yield
    get_settings.cache_clear()


@pytest.fixture
def dotenv(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the current folder's ``.env`` again, as outside tests: for the tests of that reading."""
    monkeypatch.setitem(Settings.model_config, "env_file", DOTENV)


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the test server, started once for the whole session and stopped at its end."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("trellis-data"),
        neo4j_uri=None,
        neo4j_password=None,
        neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(),
        neo4j_heap="1g",
        neo4j_pagecache="512m",
    )
    server = LocalServer(settings)
    server.start()
    try:
        yield settings
    finally:
        server.stop()


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common umask (0o022), under which a plain ``mkdir`` makes a folder everyone can read."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture(scope="session")
def store(neo4j_settings: Settings) -> Iterator[GraphStore]:
    """A store on the test server with the schema applied."""
    with GraphStore(neo4j_settings) as graph_store:
        apply_schema(graph_store)
        yield graph_store


@pytest.fixture
def empty_graph(store: GraphStore) -> GraphStore:
    """The test store with every node and relationship removed (the schema stays)."""
    store.execute("delete_everything")
    return store


SAMPLE = REPO / "data" / "sample"
ARTICLES = {"Albania": 5_000, "Alain Connes": 2_000}
"""Wikipedia articles of the retrieval corpus, each cut to its first characters (all of Albania triples the ingest)."""


@pytest.fixture(scope="session")
def retrieval_settings(neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test server's settings with vector indexes of their own."""
    from trellis.kg.graph.auth import resolve_password

    return neo4j_settings.model_copy(
        update={
            "data_dir": tmp_path_factory.mktemp("retrieval-data"),
            "neo4j_password": SecretStr(resolve_password(neo4j_settings)),
            "device": "cpu",
        }
    )


@pytest.fixture(scope="session")
def retrieval_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("retrieval-corpus")
    (folder / "extra").mkdir()
    lines = (SAMPLE / "wikipedia.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [json.loads(line) for line in lines if json.loads(line)["title"] in ARTICLES]
    cut = [json.dumps({**article, "text": article["text"][: ARTICLES[article["title"]]]}) for article in chosen]
    (folder / "wikipedia.jsonl").write_text("\n".join(cut) + "\n", encoding="utf-8")
    for path in (SAMPLE / "extra").iterdir():
        (folder / "extra" / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="session")
def retrieval_embedder(retrieval_settings: Settings) -> Embedder:
    from trellis.kg.vectors import Embedder

    return Embedder(retrieval_settings)


@pytest.fixture(scope="session")
def session_retriever(
    retrieval_settings: Settings, store: GraphStore, retrieval_embedder: Embedder, retrieval_corpus: Path
) -> Retriever:
    from trellis.kg.ingest.extraction import SpacyExtractor
    from trellis.kg.ingest.pipeline import IngestPipeline
    from trellis.retrieval import Retriever

    store.execute("delete_everything")
    pipeline = IngestPipeline(retrieval_settings, store=store, embedder=retrieval_embedder, extractor=SpacyExtractor())
    report = pipeline.ingest([retrieval_corpus])
    assert report.failed == 0 and report.documents == 3 + len(ARTICLES)
    return Retriever(retrieval_settings, store=store, embedder=retrieval_embedder)


@pytest.fixture
def retriever(session_retriever: Retriever, retrieval_corpus: Path) -> Retriever:
    """The session's retriever, its corpus ingested again first if another test emptied the graph."""
    return ensure_retrieval_corpus(session_retriever, retrieval_corpus)
