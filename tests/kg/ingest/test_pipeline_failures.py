"""Bad input and a Neo4j outage mid-ingest: each failure is reported, the rest lands, nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.support import free_port
from trellis.kg.errors import ConfigurationError, ExtractionError, Neo4jUnavailableError
from trellis.kg.graph import GraphStore, LocalServer, apply_schema
from trellis.kg.graph.auth import resolve_password
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.ingest.extraction import SpacyExtractor
from trellis.kg.ingest.loaders import load_paths
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, ExtractionResult
from trellis.kg.vectors import Embedder

Make = Callable[..., IngestPipeline]


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Files that must fail, with a word their reason must contain."""
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03 looks like text but is not" * 10)
    (folder / "mojibake.txt").write_bytes(b"Tirana.\n" + bytes(range(0x80, 0x100)) * 4)
    (folder / "repeated.txt").write_text("spam " * 20_000)  # one word, 100 KB: hundreds of identical chunks
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (folder / "huge.txt").write_bytes(b"")
    with (folder / "huge.txt").open("r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse
    (folder / "records.jsonl").write_text(
        '{"id": "rec-1", "text": "Luanda is the capital of Angola."}\n{"id": "rec-2", "text": \n'
    )
    return {
        "empty.txt": "empty", "binary.txt": "binary", "mojibake.txt": "UTF-8", "corrupt.pdf": "PDF",
        "repeated.txt": "repeats itself", "huge.txt": "over the limit", "records.jsonl:2": "JSON",
        "missing.txt": "no such file",
    }  # fmt: skip


def test_bad_files_are_reported_and_the_rest_lands(
    make_pipeline: Make, tmp_path: Path, ingest_settings: Settings
) -> None:
    folder = tmp_path / "inputs"
    expected = _bad_inputs(folder)
    (folder / "good.md").write_text("# Capitals\n\nTirana is the capital of Albania.\n")
    pipeline = make_pipeline()
    report = pipeline.ingest([folder, folder / "missing.txt"])

    reasons = {failure.location.rsplit("/", 1)[-1]: failure.reason for failure in report.failures}
    assert set(reasons) == set(expected), reasons
    for name, word in expected.items():
        assert word.lower() in reasons[name].lower(), (name, reasons[name])
    titles = {row["title"] for row in pipeline.store.query("list_documents", skip=0, limit=10)}
    assert titles == {"Capitals", "rec-1"}
    assert all(check.ok for check in check_indexes(ingest_settings, pipeline.store))


@pytest.mark.slow
def test_neo4j_outage_mid_ingest_leaves_whole_batches_only(
    tmp_path: Path, embedder: Embedder, extractor: SpacyExtractor
) -> None:
    settings = Settings(
        data_dir=tmp_path / "outage", neo4j_uri=None, neo4j_password=None, neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(), neo4j_heap="512m", neo4j_pagecache="128m", neo4j_max_retry_s=2.0,
        ingest_batch_documents=2,
    )  # fmt: skip
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, (city, country) in enumerate(
        [
            ("Tirana", "Albania"),
            ("Luanda", "Angola"),
            ("Baku", "Azerbaijan"),
            ("Kabul", "Afghanistan"),
            ("Algiers", "Algeria"),
            ("Vienna", "Austria"),
        ]
    ):
        (corpus / f"{i}.txt").write_text(f"{city} is the capital of {country}.")
    server = LocalServer(settings)
    server.start()
    settings = settings.model_copy(update={"neo4j_password": SecretStr(resolve_password(settings))})

    class StopAfterFirstBatch:
        def stage(self, name: str, total: int) -> None:
            pass

        def advance(self, name: str, amount: int = 1) -> None:
            if name == "write":
                server.stop()

    try:
        with GraphStore(settings) as store:
            apply_schema(store)
            pipeline = IngestPipeline(
                settings, store=store, embedder=embedder, extractor=extractor, progress=StopAfterFirstBatch()
            )
            with pytest.raises(Neo4jUnavailableError):
                pipeline.ingest([corpus])
        server.start()
        with GraphStore(settings) as store:
            assert store.query("graph_counts")[0]["documents"] == 2, "exactly the first batch landed"
            assert all(check.ok for check in check_indexes(settings, store)), "FAISS holds what Neo4j holds"
            resumed = IngestPipeline(settings, store=store, embedder=embedder, extractor=extractor).ingest([corpus])
            assert (resumed.documents, resumed.skipped) == (4, 2)
            assert all(check.ok for check in check_indexes(settings, store))
    finally:
        server.stop()


def test_llm_extraction_needs_a_model(ingest_settings: Settings, empty_graph: GraphStore, embedder: Embedder) -> None:
    settings = ingest_settings.model_copy(update={"llm_extraction": True})
    with pytest.raises(ConfigurationError, match="TRELLIS_LLM_EXTRACTION_MODEL"):
        IngestPipeline(settings, store=empty_graph, embedder=embedder)
    unknown = settings.model_copy(update={"llm_extraction_model": "no-such-provider:some-model"})
    with pytest.raises(ConfigurationError, match="no-such-provider"):
        IngestPipeline(unknown, store=empty_graph, embedder=embedder)


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "in-turn"])
def test_a_document_failing_in_extraction_is_reported_while_other_batches_land(
    make_pipeline: Make, tmp_path: Path, ingest_settings: Settings, extractor: SpacyExtractor, overlap: bool
) -> None:
    """Batches of two flow through the ingesting, build and write threads (or each stage in turn); the one document
    spaCy fails on (here, a stand-in extractor that raises for it) is reported, its batch-mate and every other batch
    still land."""

    class FailsOnLuanda:
        def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
            if any("Luanda" in chunk.text for chunk in chunks):
                raise ExtractionError("spaCy choked on this document")
            return extractor.extract(chunks)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    capitals = [("Tirana", "Albania"), ("Luanda", "Angola"), ("Baku", "Azerbaijan"), ("Kabul", "Afghanistan"),
                ("Algiers", "Algeria")]  # fmt: skip
    for i, (city, country) in enumerate(capitals):
        (corpus / f"{i}.txt").write_text(f"{city} is the capital of {country}.")
    settings = ingest_settings.model_copy(update={"ingest_batch_documents": 2})
    pipeline = make_pipeline(settings, extractor=FailsOnLuanda())
    report = pipeline.ingest_documents(load_paths([corpus]), overlap=overlap)

    assert (report.documents, report.failed) == (4, 1)
    assert report.failures[0].location.endswith("1.txt") and "choked" in report.failures[0].reason
    names = {row["name"] for row in pipeline.store.query("known_entities")}
    assert {"Tirana", "Albania", "Baku", "Kabul", "Algiers"} <= names and "Luanda" not in names
    assert all(check.ok for check in check_indexes(settings, pipeline.store))
    again = make_pipeline(settings).ingest([corpus])  # the failed document lands once spaCy reads it
    assert (again.documents, again.skipped, again.failed) == (1, 4, 0)
