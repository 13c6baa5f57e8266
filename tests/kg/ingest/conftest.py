"""Ingest fixtures: the real models loaded once per session, and settings whose vector indexes live in tmp."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.support import REPO
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.ingest.extraction import SpacyExtractor
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder

SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder(Settings(_env_file=None, device="cpu"))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def extractor() -> SpacyExtractor:
    return SpacyExtractor()


@pytest.fixture
def ingest_settings(neo4j_settings: Settings, tmp_path: Path) -> Settings:
    """The test server's settings with this test's own vector index folder."""
    return neo4j_settings.model_copy(
        update={"data_dir": tmp_path / "data", "neo4j_password": SecretStr(resolve_password(neo4j_settings))}
    )


@pytest.fixture
def make_pipeline(
    ingest_settings: Settings, empty_graph: GraphStore, embedder: Embedder, extractor: SpacyExtractor
) -> Callable[..., IngestPipeline]:
    """Pipelines on an empty graph, sharing the session's models."""

    def make(settings: Settings | None = None, **kwargs: object) -> IngestPipeline:
        kwargs.setdefault("extractor", extractor)
        return IngestPipeline(settings or ingest_settings, store=empty_graph, embedder=embedder, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def sample_subset(tmp_path: Path) -> Path:
    """A slice of the shipped sample corpus: three Wikipedia articles and the hand-written extras."""
    folder = tmp_path / "corpus"
    (folder / "extra").mkdir(parents=True)
    lines = (SAMPLE / "wikipedia.jsonl").read_text(encoding="utf-8").splitlines()
    wanted = {"Albania", "Algeria", "Aristotle"}
    chosen = [line for line in lines if json.loads(line)["title"] in wanted]
    assert len(chosen) == len(wanted)
    (folder / "wikipedia.jsonl").write_text("\n".join(chosen) + "\n", encoding="utf-8")
    for path in (SAMPLE / "extra").iterdir():
        (folder / "extra" / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="session")
def geonames_ten(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten GeoNames documents of the evaluation corpus (one fact each), as one JSONL file."""
    lines = (REPO / "data" / "eval" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if json.loads(line)["id"].startswith("geo-A")][:10]
    assert len(chosen) == 10
    path = tmp_path_factory.mktemp("geonames-ten") / "facts.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path
