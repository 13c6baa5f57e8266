"""`trellis eval retrieval --set prose`, given bad input: a usage error or one clear line, and no server started."""

from __future__ import annotations

import json
from pathlib import Path

from kg.settings import Settings
from tests.support import run_cli, settings_env


def test_an_unknown_split_is_a_usage_error(neo4j_settings: Settings) -> None:
    result = run_cli("eval", "retrieval", "--set", "prose", "--split", "train", env=settings_env(neo4j_settings))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "--split" in result.stderr


def test_a_missing_or_malformed_question_set_is_one_clear_line(neo4j_settings: Settings, tmp_path: Path) -> None:
    env = settings_env(neo4j_settings)
    missing = run_cli("eval", "retrieval", "--set", "prose", "--data", str(tmp_path), env=env)
    (tmp_path / "prose").mkdir()
    (tmp_path / "corpus.jsonl").write_text(json.dumps({"id": "a", "title": "A", "text": "x"}) + "\n")
    (tmp_path / "prose" / "questions.jsonl").write_text('{"id": "q", "split": "dev", "type": "single"\n')
    malformed = run_cli("eval", "retrieval", "--set", "prose", "--data", str(tmp_path), env=env)
    for result, expected in ((missing, "no prose question set"), (malformed, "questions.jsonl:1")):
        assert result.returncode == 1, result.stdout + result.stderr
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], result.stderr
        assert "ingesting" not in result.stdout, "nothing is ingested before the set is read"


def test_fit_spans_to_a_place_it_cannot_write_is_one_clear_line_before_any_work(
    neo4j_settings: Settings, tmp_path: Path
) -> None:
    env = settings_env(neo4j_settings)
    for out in (tmp_path, tmp_path / "missing" / "ranker.json"):
        result = run_cli("eval", "fit-spans", "--out", str(out), env=env)
        assert result.returncode == 1, result.stdout + result.stderr
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:") and "cannot write" in lines[0], result.stderr
        assert "reading candidates" not in result.stdout and "ingesting" not in result.stdout
