"""An evaluation report for tests of what is built on one (the history, its table and chart, /metrics): made from
question results by the runner's own summary, so its numbers are known without a graph or a model."""

from __future__ import annotations

from datetime import datetime

from trellis.retrieval.evaluation.runner import EvaluationReport, QuestionResult, summarise


def _result(set_name: str, system: str, number: int, *, found: bool, answer: str | None) -> QuestionResult:
    return QuestionResult(
        set=set_name,
        id=f"{set_name}-{number}",
        system=system,
        question="?",
        documents=["d1"] if found else ["d9"],
        answerable=answer is not None,
        recall={2: float(found), 5: float(found), 10: float(found)},
        reciprocal_rank=float(found),
        exact_match=1.0 if answer == "right" else 0.0,
        f1=1.0 if answer == "right" else 0.0,
        correct=(1.0 if answer == "right" else 0.0) if answer is not None else None,
        abstained=answer is None,
        retrieve_ms=10.0 + number,
    )


def sample_report(*, when: datetime) -> EvaluationReport:
    """A run of two systems on four questions of type ``capital`` (trellis finds three, dense one) and one whose
    answer is not in the corpus."""
    results = [
        _result("capital", system, number, found=number < hits, answer="right" if number < hits else "wrong")
        for system, hits in (("dense", 1), ("trellis", 3))
        for number in range(4)
    ]
    results += [_result("absent", system, 9, found=False, answer=None) for system in ("dense", "trellis")]
    return EvaluationReport(created_at=when, generator="extractive", depth=20, summaries=summarise(results))
