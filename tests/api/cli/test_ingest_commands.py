"""`trellis ingest | documents | delete | index check | index rebuild` as a user runs them, on the test server."""

from __future__ import annotations

from pathlib import Path

from tests.support import refused_cli, run_cli, settings_env
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings


def _env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """The test server, with this test's own index folder (and so the password given explicitly)."""
    return settings_env(settings, TRELLIS_DATA_DIR=str(tmp_path / "data"), NEO4J_PASSWORD=resolve_password(settings))


def test_ingest_reports_bad_files_and_lands_the_rest(
    neo4j_settings: Settings, empty_graph: GraphStore, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "capitals.txt").write_text("Tirana is the capital of Albania. Baku is the capital of Azerbaijan.")
    (corpus / "empty.md").write_text("   \n")
    (corpus / "broken.jsonl").write_text('{"id": "x", "text": 5}\n')
    env = _env(neo4j_settings, tmp_path)

    result = run_cli("ingest", str(corpus), str(tmp_path / "absent.txt"), env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name in ("empty.md", "broken.jsonl:1", "absent.txt"):
        assert f"{name}:" in result.stderr, result.stderr
    assert "documents written  │ 1" in result.stdout
    assert "Neo4j Browser" in result.stdout

    listed = run_cli("documents", env=env)
    assert listed.returncode == 0 and "capitals" in listed.stdout
    check = run_cli("index", "check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(" ok") == 2

    document_id = empty_graph.query("list_documents", skip=0, limit=5)[0]["id"]
    deleted = run_cli("delete", document_id, env=env)
    assert deleted.returncode == 0, deleted.stderr
    assert empty_graph.query("graph_counts")[0] == {"documents": 0, "chunks": 0, "entities": 0, "relationships": 0}
    assert run_cli("index", "check", env=env).returncode == 0


def test_an_ingest_of_nothing_that_exists_is_refused_before_a_model_library_loads(tmp_path: Path) -> None:
    code, loaded, stderr = refused_cli("ingest", str(tmp_path / "absent.txt"), f"file://{tmp_path / 'gone'}")
    assert stderr.strip().splitlines() == [
        f"error: nothing to ingest: no such file or folder: {tmp_path / 'absent.txt'}, {tmp_path / 'gone'}"
    ]
    assert (code, loaded) == (1, [])


def test_delete_of_an_unknown_document_is_one_clear_line(neo4j_settings: Settings, tmp_path: Path) -> None:
    result = run_cli("delete", "doc-nope", env=_env(neo4j_settings, tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: no document with id doc-nope: list them with `trellis documents`"
    ]


def test_index_check_finds_a_disagreement_and_rebuild_mends_it(
    neo4j_settings: Settings, empty_graph: GraphStore, tmp_path: Path
) -> None:
    env = _env(neo4j_settings, tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Luanda is the capital of Angola.")
    assert run_cli("ingest", str(corpus), env=env).returncode == 0
    empty_graph.execute("delete_everything")  # Neo4j loses the graph behind FAISS's back

    check = run_cli("index", "check", env=env)
    assert check.returncode == 1
    assert "MISMATCH" in check.stdout and "trellis index rebuild" in check.stderr
    rebuilt = run_cli("index", "rebuild", env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert run_cli("index", "check", env=env).returncode == 0
