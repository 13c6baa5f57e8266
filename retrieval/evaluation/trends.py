"""The evaluation history over time: a table of the runs and a chart of their metrics (``trellis eval history``).

Both show one system (Trellis by default) and the headline metrics a run has: recall@5 and MRR for sets scored by
supporting documents, all@5 and hit@5 for sets with evidence quotes, then the answers (EM, F1, correct, abstained)
and retrieval latency p50.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.history import EvalRun

__all__ = ["HEADLINE", "draw_history", "history_table"]

HEADLINE = ("recall@5", "mrr", "all@5", "hit@5", "em", "f1", "correct", "abstained", "p50_ms")
"""The metrics shown, in this order, where some run has them."""
_LATENCIES = frozenset({"p50_ms"})


def _types(run: EvalRun, system: str) -> list[str]:
    """The question types of ``run`` that ``system`` has numbers for, in the run's order."""
    return list(dict.fromkeys(m.type for m in run.metrics if m.system == system))


def _shown(runs: Sequence[EvalRun], system: str) -> list[str]:
    present = {m.metric for run in runs for m in run.metrics if m.system == system}
    return [metric for metric in HEADLINE if metric in present]


def _cell(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if metric in _LATENCIES else f"{value * 100:.1f}"


def history_table(runs: Sequence[EvalRun], *, system: str = "trellis") -> Table:
    """One row per run and question type, oldest first: when, commit (``*``: uncommitted changes), set, type,
    questions, generator, then ``system``'s headline metrics (in %; latency in ms)."""
    metrics = _shown(runs, system)
    table = Table(title=f"evaluation history ({system})", title_justify="left")
    for column in ("when (UTC)", "commit", "set", "type", "n", "generator"):
        table.add_column(column)
    for metric in metrics:
        table.add_column(metric.removesuffix("_ms") + (" ms" if metric in _LATENCIES else ""), justify="right")
    for run in runs:
        commit = (run.commit or "-")[:8] + ("*" if run.dirty else "")
        for type_ in _types(run, system):
            count = run.value(type_, system, "questions")
            table.add_row(
                run.created_at.strftime("%Y-%m-%d %H:%M"),
                commit,
                run.question_set,
                type_,
                "-" if count is None else str(int(count)),
                run.generator or "none",
                *(_cell(metric, run.value(type_, system, metric)) for metric in metrics),
            )
    return table


def draw_history(runs: Sequence[EvalRun], path: Path, *, system: str = "trellis") -> Path:
    """Draw ``system``'s headline metrics over time to a PNG at ``path``: one panel per metric, one line per question
    set and type. Returns the path; :class:`EvaluationDataError` when no run has numbers for ``system``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = _shown(runs, system)
    if not metrics:
        raise EvaluationDataError(f"no evaluation run in the history has numbers for the system {system!r}")
    columns = min(3, len(metrics))
    rows = -(-len(metrics) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.2 * rows), squeeze=False, sharex=True)
    series = list(dict.fromkeys((run.question_set, type_) for run in runs for type_ in _types(run, system)))
    for panel, metric in zip(axes.flat, metrics, strict=False):
        scale = 1.0 if metric in _LATENCIES else 100.0
        for number, (question_set, type_) in enumerate(series):
            points = [
                (run.created_at, value * scale)
                for run in runs
                if run.question_set == question_set and (value := run.value(type_, system, metric)) is not None
            ]
            if points:
                times, values = zip(*points, strict=True)
                label, colour = f"{question_set}/{type_}", f"C{number % 10}"  # one colour per series in every panel
                panel.plot(times, values, marker="o", color=colour, label=label)
        panel.set_title(metric.removesuffix("_ms") + (" (ms)" if metric in _LATENCIES else " (%)"))
        if metric not in _LATENCIES:
            panel.set_ylim(-3, 103)  # shares on one scale: a point's change is not magnified by the axis
        panel.grid(alpha=0.3)
    for panel in list(axes.flat)[len(metrics) :]:
        panel.set_visible(False)
    legend: dict[str, Any] = {}
    for panel in axes.flat:
        for handle, label in zip(*panel.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    figure.legend(list(legend.values()), list(legend), loc="lower center", ncol=min(4, len(legend)), fontsize="small")
    figure.suptitle(f"evaluation history ({system})")
    figure.autofmt_xdate()
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
