"""Retrieval fixtures: a small real corpus ingested once per session (the hand-written sample files, the opening of
the Albania article and a short unrelated one), the real models loaded once, and a retriever over them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from kg.graph import GraphStore
from kg.graph.auth import resolve_password
from kg.ingest.extraction import SpacyExtractor
from kg.ingest.pipeline import IngestPipeline
from kg.settings import Settings
from kg.vectors import Embedder
from retrieval import Retriever
from tests.support import REPO

SAMPLE = REPO / "data" / "sample"
ARTICLES = {"Albania": 5_000, "Alain Connes": 2_000}
"""Wikipedia articles of the corpus, each cut to its first characters (all of Albania triples the ingest time)."""


@pytest.fixture(scope="session")
def retrieval_settings(neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test server's settings with vector indexes of their own."""
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
    return Embedder(retrieval_settings)


@pytest.fixture(scope="session")
def session_retriever(
    retrieval_settings: Settings, store: GraphStore, retrieval_embedder: Embedder, retrieval_corpus: Path
) -> Retriever:
    store.execute("delete_everything")
    pipeline = IngestPipeline(retrieval_settings, store=store, embedder=retrieval_embedder, extractor=SpacyExtractor())
    report = pipeline.ingest([retrieval_corpus])
    assert report.failed == 0 and report.documents == 3 + len(ARTICLES)
    return Retriever(retrieval_settings, store=store, embedder=retrieval_embedder)


@pytest.fixture
def retriever(session_retriever: Retriever, retrieval_corpus: Path) -> Retriever:
    """The session's retriever, its corpus ingested again first if another test emptied the graph."""
    if not session_retriever.store.query("retrieval_entity_fulltext", query="Tirana", limit=1):
        IngestPipeline(
            session_retriever.settings, store=session_retriever.store, embedder=session_retriever.embedder
        ).ingest([retrieval_corpus])
        session_retriever.reload_indexes()
    return session_retriever
