"""`trellis ask` as a user runs it: an answer with citations, JSON output, a picture, and clear bad-input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import run_cli, settings_env
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings


def test_ask_answers_with_citations_json_and_picture(
    neo4j_settings: Settings, empty_graph: GraphStore, tmp_path: Path
) -> None:
    env = settings_env(
        neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path / "data"), NEO4J_PASSWORD=resolve_password(neo4j_settings)
    )
    corpus = tmp_path / "facts.txt"
    corpus.write_text("Tirana is the capital of Albania. Baku is the capital of Azerbaijan.")
    assert run_cli("ingest", str(corpus), env=env).returncode == 0

    result = run_cli("ask", "What is the capital of Azerbaijan?", "--json", "--png", str(tmp_path / "a.png"), env=env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert payload["answerable"] and "Baku" in payload["text"]
    assert payload["citations"] and payload["citations"][0]["chunk_id"].startswith(payload["document_ids"][0])
    assert (tmp_path / "a.png").stat().st_size > 10_000

    streamed = run_cli("ask", "What is the capital of Azerbaijan?", "--generator", "extractive", "--stream", env=env)
    assert streamed.returncode == 0, streamed.stderr
    assert "A: Baku" in streamed.stdout and "model extractive;" in streamed.stdout
    wrong = run_cli("ask", "x", "--generator", "gpt", env=env)
    assert wrong.returncode == 2 and "gpt" in wrong.stderr

    empty = run_cli("ask", "  ", env=env)
    assert empty.returncode == 1 and empty.stderr.startswith("error: the question is empty")
    huge = run_cli("ask", "why " * 30_000, env=env)
    assert huge.returncode == 1 and "limit" in huge.stderr and "Traceback" not in huge.stderr


@pytest.mark.parametrize(
    ("name", "value"), [("TRELLIS_GRAPH_SNAPSHOT_MAX_ROWS", "-1"), ("TRELLIS_GRAPH_SNAPSHOT_MAX_ROWS", "many"),
                        ("TRELLIS_GRAPH_SNAPSHOT", "sometimes")],
)  # fmt: skip
def test_bad_graph_snapshot_settings_name_the_setting(neo4j_settings: Settings, name: str, value: str) -> None:
    result = run_cli("ask", "What is the capital of Albania?", env=settings_env(neo4j_settings, **{name: value}))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and name in lines[0], result.stderr


def test_the_help_of_k_names_the_default_answers_read() -> None:
    """`--k` is left to the answer options' default; its help text (written out, the CLI starts without importing
    retrieval) must say the same number."""
    from typing import get_args

    from trellis.api.cli.ask_commands import KOption
    from trellis.retrieval.types import DEFAULT_K

    option = get_args(KOption)[1]
    assert f"(default: {DEFAULT_K})" in option.help
