"""`trellis ask` logs its answers, and `trellis feedback list|export` show the ratings, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import run_cli, settings_env
from trellis.api.services.answers import AnswerLog, answers_by_ids
from trellis.api.services.feedback import checked_rating, rate_answer
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings


def test_ask_logs_and_feedback_lists_and_exports(
    neo4j_settings: Settings, empty_graph: GraphStore, tmp_path: Path
) -> None:
    env = settings_env(
        neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path / "data"), NEO4J_PASSWORD=resolve_password(neo4j_settings)
    )
    corpus = tmp_path / "facts.txt"
    corpus.write_text("Tirana is the capital of Albania. Baku is the capital of Azerbaijan.")
    assert run_cli("ingest", str(corpus), env=env).returncode == 0
    asked = run_cli("ask", "What is the capital of Azerbaijan?", "--json", env=env)
    assert asked.returncode == 0, asked.stderr
    payload = json.loads(asked.stdout[: asked.stdout.rindex("}") + 1])
    [logged] = answers_by_ids(empty_graph, [payload["id"]])
    assert (logged.interface, logged.key_name, logged.question) == (
        "cli",
        "local",
        "What is the capital of Azerbaijan?",
    )

    log = AnswerLog(empty_graph, empty_graph.settings, background=False)
    fix = checked_rating(payload["id"], "DOWN", correction="Baku, on the Caspian", comment="say the sea", most=100)
    rate_answer(empty_graph, log, fix, interface="graphql", key_name="key-30c-read:ab", key_id="ab")

    listed = run_cli("feedback", "list", "--rating", "down", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Baku, on the Caspian" in listed.stdout and "What is the capital of Azerbaijan?" in listed.stdout
    none_up = run_cli("feedback", "list", "--rating", "up", env=env)
    assert none_up.returncode == 0 and "no ratings yet" in none_up.stdout

    out = tmp_path / "feedback.jsonl"
    exported = run_cli("feedback", "export", "--out", str(out), "--corrected", env=env)
    assert exported.returncode == 0, exported.stderr
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["feedback"]["correction"] == "Baku, on the Caspian" and row["answer"]["id"] == payload["id"]
    assert row["answer"]["citations"] and row["answer"]["model"] == payload["model"]

    wrong = run_cli("feedback", "list", "--rating", "sideways", env=env)
    assert wrong.returncode == 2 and "sideways" in wrong.stderr
