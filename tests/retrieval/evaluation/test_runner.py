"""The evaluation run end to end on a slice of the shipped corpus: graph retrieval beats dense-only on two-hop
questions, and the report summarises every system and survives a JSON round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from trellis.retrieval import Retriever
from trellis.retrieval.evaluation import SYSTEM_NAMES, EvalQuestion, EvaluationReport, build_systems, evaluate
from trellis.retrieval.evaluation.report import report_table, save_report


@pytest.fixture(scope="module")
def report(eval_retriever: Retriever, slice_questions: list[EvalQuestion]) -> EvaluationReport:
    systems = build_systems(eval_retriever, depth=10)
    assert [system.name for system in systems] == list(SYSTEM_NAMES)
    return evaluate(eval_retriever, systems, {"multihop": slice_questions}, generator=eval_retriever.generator)


def test_graph_retrieval_beats_dense_only_on_two_hop_questions(report: EvaluationReport) -> None:
    graph, dense = report.summary("multihop", "trellis"), report.summary("multihop", "dense")
    assert graph.questions == dense.questions == 12
    assert graph.exact_match is not None and dense.exact_match is not None
    assert graph.exact_match > dense.exact_match
    assert graph.recall[10] >= 0.75, "the graph keeps the supporting documents within reach"
    # on some two-hop question the graph's answer is exact where dense-only retrieval's is not
    by_question: dict[str, dict[str, float]] = {}
    for result in report.results:
        by_question.setdefault(result.id, {})[result.system] = result.exact_match or 0.0
    assert any(scores["trellis"] == 1.0 > scores["dense"] for scores in by_question.values())
    # Not asserted: ranking. On this 20-document slice dense-only puts both one-sentence supporting documents in
    # its first two more often than the graph does (benchmarks/retrieval.py reports recall@k on the full sets).


def test_the_graph_answers_two_hop_questions_that_passages_alone_do_not(report: EvaluationReport) -> None:
    graph, hybrid = report.summary("multihop", "trellis"), report.summary("multihop", "hybrid")
    assert graph.exact_match is not None and hybrid.exact_match is not None
    assert graph.exact_match > hybrid.exact_match
    answered = [r for r in report.results if r.system == "trellis" and r.exact_match == 1.0]
    assert any(r.id == "mh-AZ-capital-population" and "2,351,300" in (r.answer or "") for r in answered)


def test_the_report_summarises_every_system_and_round_trips(report: EvaluationReport, tmp_path: Path) -> None:
    assert {(s.set, s.system) for s in report.summaries} == {("multihop", name) for name in SYSTEM_NAMES}
    for summary in report.summaries:
        assert 0.0 <= summary.mrr <= 1.0 and all(0.0 <= value <= 1.0 for value in summary.recall.values())
        assert summary.recall[2] <= summary.recall[5] <= summary.recall[10]
        assert 0 < summary.latency_p50_ms <= summary.latency_p95_ms
    saved = save_report(report, tmp_path / "out" / "report.json")
    again = EvaluationReport.model_validate_json(saved.read_text(encoding="utf-8"))
    assert again.summaries == report.summaries and len(again.results) == 12 * len(SYSTEM_NAMES)
    table = report_table(report)
    assert table.row_count == len(SYSTEM_NAMES) and "R@5" in [str(c.header) for c in table.columns]
