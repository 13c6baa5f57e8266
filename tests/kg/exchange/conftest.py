"""Exchange fixtures: a small real corpus ingested once (the sample's hand-written files and the opening of the
Albania article, with the real models), its export to a local folder, and an S3-compatible server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.kg.exchange.s3_server import S3Server, moto_server
from tests.support import REPO
from trellis.kg.exchange import ExportManifest, export_graph, open_location
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.fingerprint import Fingerprint, graph_fingerprint
from trellis.kg.settings import Settings

SAMPLE = REPO / "data" / "sample"


@dataclass(frozen=True)
class Exported:
    """The ingested graph's fingerprint and its export on disk."""

    folder: Path
    manifest: ExportManifest
    fingerprint: Fingerprint


def exchange_corpus(folder: Path) -> Path:
    """The sample's hand-written files and the first 3,000 characters of the Albania article."""
    (folder / "extra").mkdir(parents=True)
    for path in (SAMPLE / "extra").iterdir():
        (folder / "extra" / path.name).write_bytes(path.read_bytes())
    lines = (SAMPLE / "wikipedia.jsonl").read_text(encoding="utf-8").splitlines()
    albania = next(json.loads(line) for line in lines if json.loads(line)["title"] == "Albania")
    (folder / "albania.jsonl").write_text(json.dumps({**albania, "text": albania["text"][:3000]}) + "\n")
    return folder


@pytest.fixture(scope="session")
def exchange_settings(neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test server's settings, with vector indexes and a training folder of their own."""
    return neo4j_settings.model_copy(
        update={
            "data_dir": tmp_path_factory.mktemp("exchange-data"),
            "neo4j_password": SecretStr(resolve_password(neo4j_settings)),
            "device": "cpu",
        }
    )


@pytest.fixture(scope="session")
def exported(exchange_settings: Settings, store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The corpus ingested into an emptied graph, fingerprinted and exported to a local folder."""
    from trellis.kg.ingest.extraction import SpacyExtractor
    from trellis.kg.ingest.pipeline import IngestPipeline
    from trellis.kg.vectors import Embedder

    store.execute("delete_everything")
    corpus = exchange_corpus(tmp_path_factory.mktemp("exchange-corpus"))
    pipeline = IngestPipeline(
        exchange_settings, store=store, embedder=Embedder(exchange_settings), extractor=SpacyExtractor()
    )
    report = pipeline.ingest([corpus])
    assert report.failed == 0 and report.documents == 4
    folder = tmp_path_factory.mktemp("exchange-export") / "export"
    manifest = export_graph(store, open_location(str(folder)))
    return Exported(folder=folder, manifest=manifest, fingerprint=graph_fingerprint(store))


@pytest.fixture
def exchange_store(exchange_settings: Settings, store: GraphStore) -> Iterator[GraphStore]:
    """A store on the test server under the exchange settings (their own FAISS folder)."""
    with GraphStore(exchange_settings) as graph_store:
        yield graph_store


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """moto's S3 server on a free loopback port, with credentials checked and one bucket."""
    with moto_server() as server:
        yield server
