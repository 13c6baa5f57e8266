"""The evaluation report as a rich table (one row per set and system) and as a JSON file."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from trellis.retrieval.evaluation.runner import EvaluationReport

__all__ = ["prose_table", "report_table", "save_report"]


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}"


def report_table(report: EvaluationReport) -> Table:
    """Recall@k, MRR, EM and F1 (in %), retrieval latency p50/p95 (ms), one row per set and system; for a set
    with evidence quotes (the prose set), :func:`prose_table`."""
    if any(summary.hit is not None for summary in report.summaries):
        return prose_table(report)
    title = f"retrieval evaluation (generator: {report.generator or 'none'}; {report.depth} passages per system)"
    columns = [*(f"R@{k}" for k in report.ks), "MRR", "EM", "F1"]
    rows = [
        [
            *(_share(summary.recall.get(k)) for k in report.ks),
            _share(summary.mrr),
            _share(summary.exact_match),
            _share(summary.f1),
        ]
        for summary in report.summaries
    ]
    return _table(title, "set", columns, report, rows)


def prose_table(report: EvaluationReport) -> Table:
    """Per question type and system (in %): every evidence document among the first k passages (all@k), a top-5
    passage overlapping an evidence quote (hit@5), answers holding an accepted answer, abstentions (false ones on
    answerable types, right ones on ``absent``), and retrieval latency p50/p95 (ms)."""
    title = f"prose evaluation (generator: {report.generator or 'none'}; {report.corpus.get('split', '')} split)"
    columns = [*(f"all@{k}" for k in report.ks), "hit@5", "correct", "abstained"]
    rows = [
        [
            *(_share(summary.all_at.get(k)) if summary.set != "absent" else "-" for k in report.ks),
            _share(summary.hit),
            _share(summary.correct),
            _share(summary.abstained),
        ]
        for summary in report.summaries
    ]
    return _table(title, "type", columns, report, rows)


def _table(title: str, first: str, columns: list[str], report: EvaluationReport, rows: list[list[str]]) -> Table:
    """One row per summary: its set, system and size, the given cells, then retrieval latency p50 and p95."""
    table = Table(title=title, title_justify="left")
    for column in (first, "system", "n"):
        table.add_column(column)
    for column in (*columns, "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    for summary, cells in zip(report.summaries, rows, strict=True):
        table.add_row(
            summary.set,
            summary.system,
            str(summary.questions),
            *cells,
            f"{summary.latency_p50_ms:.1f}",
            f"{summary.latency_p95_ms:.1f}",
        )
    return table


def save_report(report: EvaluationReport, path: Path) -> Path:
    """Write the report as indented JSON (parent folders created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path
