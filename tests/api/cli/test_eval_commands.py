"""`trellis eval retrieval`, given bad input (a usage error or one clear line, and no server started), and given a
question file of one's own (run, appended to the history, which `trellis eval history` prints and draws)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support import refused_cli, run_cli, settings_env
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever
from trellis.retrieval.evaluation.history import history_path, read_history, set_digest, source_commit


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


def _one_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], result.stderr
    assert "ingesting" not in result.stdout and "evaluating" not in result.stdout, "nothing runs"


def test_a_malformed_question_file_names_the_line_and_nothing_runs(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    env = settings_env(settings)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "d1", "title": "A", "text": "Tirana is the capital of Albania."}) + "\n")
    gold = tmp_path / "gold.jsonl"
    good = {"id": "q1", "question": "What is the capital of Albania?", "answers": ["Tirana"], "supporting": ["d1"]}
    gold.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "q2", "answers": "Tirana"}) + "\n")
    malformed = run_cli("eval", "retrieval", "--set", str(gold), "--corpus", str(corpus), env=env)
    _one_error(malformed, f"{gold}:2: not an evaluation question: answers: Input should be a valid list")
    missing = run_cli("eval", "retrieval", "--set", str(tmp_path / "none.jsonl"), "--corpus", str(corpus), env=env)
    _one_error(missing, "no question set at")
    assert not history_path(settings).exists(), "a run that never started is not in the history"

    gold.write_text(json.dumps(good) + "\n")
    no_corpus = run_cli("eval", "retrieval", "--set", str(gold), env=env)
    assert no_corpus.returncode == 2 and "--corpus" in no_corpus.stderr and "Traceback" not in no_corpus.stderr
    assert "ingesting" not in no_corpus.stdout


def test_a_question_file_over_the_current_graph_goes_into_the_history(
    retriever: Retriever, retrieval_settings: Settings, tmp_path: Path
) -> None:
    """A team's own set over the test corpus (Alain Connes and Albania), its dev question left out by --split test:
    the run is reported and appended to the history, which `eval history` prints and draws."""
    env = settings_env(retrieval_settings, NEO4J_PASSWORD=resolve_password(retrieval_settings))
    gold = tmp_path / "team-gold.jsonl"
    questions = [
        {"id": "g1", "question": "In what year was Alain Connes awarded the Fields Medal?", "answers": ["1982"],
         "supporting": ["enwiki-340"], "type": "single"},
        {"id": "g2", "question": "Under whose leadership was Albania's socialist People's Republic established?",
         "answers": ["Enver Hoxha"], "supporting": ["enwiki-738"], "type": "single", "split": "test",
         "quotes": ["a socialist People's Republic was established under the leadership of Enver Hoxha"]},
        {"id": "g3", "question": "Which team won the 1966 FIFA World Cup final?", "answers": [], "type": "absent"},
        {"id": "g4", "question": "What is the capital of Albania?", "answers": ["Tirana"], "supporting": ["enwiki-738"],
         "type": "single", "split": "dev"},
    ]  # fmt: skip
    gold.write_text("".join(json.dumps(question) + "\n" for question in questions))
    history = history_path(retrieval_settings)
    history.unlink(missing_ok=True)
    try:
        result = run_cli(
            "eval", "retrieval", "--set", str(gold), "--current-graph", "--limit", "5", env=env, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "run appended to the evaluation history" in result.stdout
        (run,) = read_history(history)
        assert (run.question_set, run.set_sha256, run.questions) == ("team-gold", set_digest([gold]), 3)
        assert run.generator == "extractive" and run.embedder == "all-MiniLM-L6-v2" and run.adapter is None
        assert run.settings["split"] == "test" and run.settings["corpus"] == "current graph"
        assert run.settings["limit"] == 5 and run.settings["depth"] == 20
        assert run.commit == source_commit()[0]
        systems = {metric.system for metric in run.metrics}
        assert systems == {"dense", "bm25", "hybrid", "peer-hybrid", "trellis"}
        assert run.value("single", "trellis", "questions") == 2 and run.value("absent", "trellis", "questions") == 1
        assert run.value("single", "trellis", "all@10") == 1.0, "both supporting articles are within reach"
        assert run.value("absent", "trellis", "abstained") is not None

        png = tmp_path / "history.png"
        shown = run_cli("eval", "history", "--png", str(png), env=env)
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert "team-gold" in shown.stdout and "absent" in shown.stdout and f"history drawn to {png}" in shown.stdout
        assert png.stat().st_size > 10_000
        none = run_cli("eval", "history", "--set", "prose", env=env)
        assert none.returncode == 0 and "no evaluation runs of prose" in none.stdout
    finally:
        history.unlink(missing_ok=True)


def test_a_malformed_question_file_is_refused_before_a_model_library_loads(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "q1", "question": "What is the capital of Albania?", "answers": "Tirana"}) + "\n")
    code, loaded, stderr = refused_cli("eval", "retrieval", "--set", str(gold), "--current-graph")
    assert f"{gold}:1: not an evaluation question" in stderr, stderr
    assert (code, loaded) == (1, [])
