"""The evaluation history: a run becomes one Parquet row with its commit, models, settings and every summary number,
rows accumulate, the newest run of each set is found, and a file that is not a history is one clear error."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.support import REPO
from tests.support_eval import sample_report
from trellis.kg.settings import Settings
from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.history import (
    PACKAGED_EMBEDDER,
    EvalRun,
    append_run,
    history_path,
    history_schema,
    latest_runs,
    read_history,
    record_run,
    set_digest,
    source_commit,
)


def _record(settings: Settings, *, name: str, when: datetime, digest: str = "0" * 64) -> EvalRun:
    return record_run(
        sample_report(when=when),
        question_set=name,
        set_sha256=digest,
        questions=5,
        settings=settings,
        adapter=None,
        run={"split": "test", "limit": None, "corpus": "current graph"},
        source=("abc123", False),
    )


def test_a_run_is_one_row_with_its_models_settings_and_every_number(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chunk_max_tokens=128)
    run = _record(settings, name="gold", when=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    assert (run.commit, run.dirty, run.embedder, run.generator) == ("abc123", False, PACKAGED_EMBEDDER, "extractive")
    assert run.settings["chunk_max_tokens"] == 128 and run.settings["depth"] == 20 and run.settings["split"] == "test"
    assert "api_keys" not in run.settings and "neo4j_password" not in run.settings, "only what shapes results"
    assert run.value("capital", "trellis", "recall@5") == 0.75 and run.value("capital", "dense", "mrr") == 0.25
    assert run.value("capital", "trellis", "questions") == 4 and run.value("absent", "trellis", "abstained") == 1.0
    assert run.value("answerable", "trellis", "correct") == 0.75, "the summary over answerable questions too"
    assert run.value("absent", "trellis", "correct") is None, "no number where the summary has none"

    path = append_run(history_path(settings), run)
    assert path == tmp_path / "eval" / "history.parquet"
    assert pq.read_schema(path).equals(history_schema(), check_metadata=False)
    assert read_history(path) == [run]


def test_runs_accumulate_and_the_newest_of_each_set_is_found(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    runs = [
        _record(settings, name="gold", when=start, digest="a" * 64),
        _record(settings, name="prose", when=start + timedelta(hours=1)),
        _record(settings, name="gold", when=start + timedelta(hours=2), digest="b" * 64),
    ]
    path = history_path(settings)
    for run in (runs[2], runs[0], runs[1]):  # appended out of order: read back oldest first
        append_run(path, run)
    assert read_history(path) == runs
    newest = [(run.question_set, run.set_sha256[0]) for run in latest_runs(read_history(path))]
    assert newest == [("gold", "b"), ("prose", "0")]
    assert read_history(tmp_path / "none.parquet") == [] and latest_runs([]) == []


def test_a_file_that_is_not_a_history_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "history.parquet"
    broken.write_text("not parquet")
    with pytest.raises(EvaluationDataError, match=r"evaluation history at .* cannot be read"):
        read_history(broken)
    with pytest.raises(EvaluationDataError):
        append_run(broken, _record(Settings(data_dir=tmp_path), name="gold", when=datetime.now(UTC)))
    assert broken.read_text() == "not parquet", "a history that cannot be read is not overwritten"


def test_the_set_digest_follows_the_content_not_the_place(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first, second = tmp_path / "gold.jsonl", tmp_path / "a" / "copy.jsonl"
    first.write_text('{"id": "q"}\n')
    second.write_text('{"id": "q"}\n')
    assert set_digest([first]) == set_digest([second]) and len(set_digest([first])) == 64
    second.write_text('{"id": "q2"}\n')
    assert set_digest([first]) != set_digest([second]) != set_digest([first, second])


def test_the_commit_is_the_checkouts_head_and_none_outside_one(tmp_path: Path) -> None:
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    commit, dirty = source_commit(REPO)
    if head.returncode == 0:
        assert commit == head.stdout.strip() and isinstance(dirty, bool)
    assert source_commit(tmp_path) == (None, None)
