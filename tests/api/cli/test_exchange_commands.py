"""`trellis export parquet` and `trellis import parquet` as a user runs them: a round trip that `trellis index
check` accepts, and each bad input (missing bucket, refused credentials, a file of another schema, a database
that is not empty, a folder with no export) as one line on stderr and a non-zero exit."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.kg.exchange.s3_server import S3Server, moto_server
from tests.support import run_cli, settings_env
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.settings import Settings


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    with moto_server() as server:
        yield server


def _env(settings: Settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    return settings_env(
        settings, TRELLIS_DATA_DIR=str(tmp_path / "data"), NEO4J_PASSWORD=resolve_password(settings), **extra
    )


def _small_graph(store: GraphStore) -> None:
    """Two documents, three chunks, two entities, mentions and one relation, written with the ingest's queries."""
    vector = [1.0] + [0.0] * 383
    store.write_batches("upsert_documents", [
        {"id": f"doc-{n}", "source": f"{n}.txt", "title": f"Doc {n}", "sha256": str(n) * 64,
         "ingested_at": "2026-01-02T03:04:05+00:00", "graph_version": 1, "metadata": {"format": "txt"}}
        for n in (1, 2)
    ])  # fmt: skip
    store.write_batches("upsert_chunks", [
        {"id": "doc-1:00000", "document_id": "doc-1", "index": 0, "text": "Tirana is the capital of Albania.",
         "start": 0, "end": 33, "tokens": 8, "section": None, "embedding": vector, "previous": None},
        {"id": "doc-1:00001", "document_id": "doc-1", "index": 1, "text": "Albania is in Europe.",
         "start": 34, "end": 55, "tokens": 5, "section": None, "embedding": vector, "previous": "doc-1:00000"},
        {"id": "doc-2:00000", "document_id": "doc-2", "index": 0, "text": "Tirana lies on the Ishëm.",
         "start": 0, "end": 25, "tokens": 7, "section": "Rivers", "embedding": vector, "previous": None},
    ])  # fmt: skip
    store.write_batches("upsert_entities", [
        {"id": "ent-tirana", "name": "Tirana", "type": "Location", "aliases": ["Tiranë"], "embedding": vector},
        {"id": "ent-albania", "name": "Albania", "type": "Location", "aliases": [], "embedding": None},
    ])  # fmt: skip
    store.write_batches("upsert_mentions", [
        {"chunk_id": "doc-1:00000", "entity_id": "ent-tirana", "start": 0, "end": 6, "surface": "Tirana",
         "label": "GPE"},
        {"chunk_id": "doc-1:00000", "entity_id": "ent-albania", "start": 25, "end": 32, "surface": "Albania",
         "label": "GPE"},
    ])  # fmt: skip
    store.write_batches("upsert_relations", [
        {"subject_id": "ent-tirana", "predicate": "CAPITAL_OF", "object_id": "ent-albania",
         "evidence": ["doc-1:00000"], "documents": ["doc-1"], "confidence": 0.8, "phrase": "is the capital of"},
    ])  # fmt: skip


def _one_error_line(result: object) -> str:
    stderr = getattr(result, "stderr", "")
    assert getattr(result, "returncode", 0) == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return str(lines[0])


def test_export_and_import_round_trip_and_index_check_passes(
    neo4j_settings: Settings, empty_graph: GraphStore, tmp_path: Path
) -> None:
    _small_graph(empty_graph)
    expected = graph_fingerprint(empty_graph)
    env = _env(neo4j_settings, tmp_path)
    export = tmp_path / "export"

    exported = run_cli("export", "parquet", str(export), env=env)
    assert exported.returncode == 0, exported.stderr
    assert "exported 2 documents, 3 chunks, 2 entities, 2 mentions, 1 relations" in exported.stdout

    refused = _one_error_line(run_cli("import", "parquet", str(export), env=env))
    assert "is not empty (2 documents, 3 chunks, 2 entities)" in refused

    empty_graph.execute("delete_everything")
    imported = run_cli("import", "parquet", str(export), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "FAISS rebuilt: 3 chunk and 1 entity vectors" in imported.stdout
    assert graph_fingerprint(empty_graph) == expected
    check = run_cli("index", "check", env=env)
    assert check.returncode == 0 and check.stdout.count(" ok") == 2, check.stdout + check.stderr

    again = _one_error_line(run_cli("export", "parquet", str(export), env=env))
    assert "already holds files" in again

    other = tmp_path / "other"
    shutil.copytree(export, other)
    documents = other / "documents" / "part-0.parquet"
    pq.write_table(pq.read_table(documents).rename_columns(["id", "path", "title", "sha256", "ingested_at",
                                                           "graph_version", "metadata"]), documents)  # fmt: skip
    empty_graph.execute("delete_everything")
    wrong = _one_error_line(run_cli("import", "parquet", str(other), env=env))
    assert "is not a Trellis documents table: it has no column 'source'" in wrong
    assert empty_graph.query("graph_counts")[0]["documents"] == 0

    nothing = _one_error_line(run_cli("import", "parquet", str(tmp_path / "data"), env=env))
    assert "holds no Trellis export (no trellis-export.json)" in nothing


def test_a_missing_bucket_and_wrong_credentials_are_one_line_each(
    neo4j_settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    env = _env(neo4j_settings, tmp_path, **s3_server.env())
    missing = _one_error_line(run_cli("export", "parquet", "s3://no-such-bucket/graph", env=env))
    assert (
        missing
        == "error: bucket 'no-such-bucket' of s3://no-such-bucket/graph does not exist: create it or name another"
    )

    refused = _one_error_line(
        run_cli("import", "parquet", f"s3://{s3_server.bucket}/graph", env={**env, "AWS_SECRET_ACCESS_KEY": "wrong"})
    )
    assert "refused the credentials" in refused and "AWS_SECRET_ACCESS_KEY" in refused
