"""The history over time: one table row per run and type with the chosen system's headline metrics, and a chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from tests.support_eval import sample_report
from trellis.kg.settings import Settings
from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.history import EvalRun, record_run
from trellis.retrieval.evaluation.trends import draw_history, history_table


def _runs(tmp_path: Path) -> list[EvalRun]:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    return [
        record_run(
            sample_report(when=start + timedelta(days=day)),
            question_set="gold",
            set_sha256="0" * 64,
            questions=5,
            settings=Settings(data_dir=tmp_path),
            adapter=None,
            run={},
            source=(f"{day + 1}" * 40, day == 2),
        )
        for day in range(3)
    ]


def test_the_table_has_a_row_per_run_and_type_with_the_systems_numbers(tmp_path: Path) -> None:
    runs = _runs(tmp_path)
    table = history_table(runs, system="trellis")
    assert table.row_count == 3 * 3  # capital, absent, answerable
    headers = [str(column.header) for column in table.columns]
    assert headers[:6] == ["when (UTC)", "commit", "set", "type", "n", "generator"]
    assert {"recall@5", "mrr", "em", "correct", "abstained", "p50 ms"} <= set(headers) and "hit@5" not in headers
    console = Console(width=200, record=True)
    console.print(table)
    text = console.export_text()
    assert "11111111 " in text and "33333333* " in text, "a short commit; an uncommitted tree is marked"
    assert " 75.0 " in text and " 25.0 " not in text, "trellis's recall@5, not dense's"
    assert history_table(runs, system="dense").row_count == 9


def test_the_chart_is_drawn_and_an_unknown_system_is_refused(tmp_path: Path) -> None:
    runs = _runs(tmp_path)
    path = draw_history(runs, tmp_path / "charts" / "history.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    with pytest.raises(EvaluationDataError, match=r"no evaluation run .* 'bm25'"):
        draw_history(runs, tmp_path / "none.png", system="bm25")
    assert not (tmp_path / "none.png").exists()
