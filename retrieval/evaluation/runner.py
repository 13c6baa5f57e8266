"""The evaluation run: every system on every question of the chosen sets, in one process, over one graph.

For each question and system: the documents retrieved (recall@k, MRR), whether every supporting document is
among the first k passages (all@k), whether a top passage overlaps an evidence quote (hit@5), the time retrieval
took, and the answer a generator gives from the system's context: exact match and token F1 of its short answer,
whether it holds an accepted answer (correct), and whether it abstained. A question with no accepted answer is
one whose answer is not in the corpus: abstaining is right there. The report holds a summary per set and system
(latency p50/p95 in milliseconds), one over every answerable question when a run mixes both, and, optionally,
every question's result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from statistics import fmean
from time import perf_counter

from pydantic import BaseModel, Field

from trellis.retrieval.evaluation.datasets import EvalQuestion
from trellis.retrieval.evaluation.metrics import (
    all_at_k,
    answer_contains,
    answer_span,
    exact_match,
    overlaps_quote,
    percentile,
    recall_at_k,
    reciprocal_rank,
    token_f1,
)
from trellis.retrieval.evaluation.systems import RetrievalSystem, generate_answer
from trellis.retrieval.generators import Generator
from trellis.retrieval.retriever import Retriever
from trellis.retrieval.types import AnswerOptions

__all__ = ["ANSWERABLE", "HIT_AT", "KS", "EvaluationReport", "QuestionResult", "SystemSummary", "evaluate", "summarise"]

logger = logging.getLogger(__name__)

KS = (2, 5, 10)
"""The cut-offs of recall@k and all@k."""
HIT_AT = 5
"""hit@5: a passage among the first five overlaps an evidence quote."""
ANSWERABLE = "answerable"
"""The summary over every answerable question of a run that also holds unanswerable ones."""

Advance = Callable[[str], None]


class QuestionResult(BaseModel):
    """One system's result on one question."""

    set: str
    id: str
    system: str
    question: str
    documents: list[str]
    answerable: bool = True
    recall: dict[int, float]
    all_at: dict[int, float] = Field(default_factory=dict)
    hit: float | None = None
    reciprocal_rank: float
    answer: str | None = None
    span: str | None = None
    exact_match: float | None = None
    f1: float | None = None
    correct: float | None = None
    abstained: bool | None = None
    retrieve_ms: float
    answer_ms: float | None = None


class SystemSummary(BaseModel):
    """One system on one set: mean recall@k, MRR, EM and F1, and retrieval latency percentiles."""

    set: str
    system: str
    questions: int
    recall: dict[int, float]
    all_at: dict[int, float] = Field(default_factory=dict)
    hit: float | None = None
    mrr: float
    exact_match: float | None = None
    f1: float | None = None
    correct: float | None = None
    """Answerable questions: the share whose answer holds an accepted answer."""
    abstained: float | None = None
    """The share of questions answered "not in the graph": false abstentions on answerable questions, the right
    answer on the others."""
    latency_p50_ms: float
    latency_p95_ms: float
    answer_p50_ms: float | None = None


class EvaluationReport(BaseModel):
    """A whole run: what was evaluated, on what, the summaries and (optionally) every question's result."""

    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    generator: str | None = None
    depth: int
    ks: list[int] = Field(default_factory=lambda: list(KS))
    corpus: dict[str, int | str] = Field(default_factory=dict)
    summaries: list[SystemSummary] = Field(default_factory=list)
    results: list[QuestionResult] = Field(default_factory=list)

    def summary(self, set_name: str, system: str) -> SystemSummary:
        """The summary of ``system`` on ``set_name``; KeyError when the run did not hold it."""
        for summary in self.summaries:
            if summary.set == set_name and summary.system == system:
                return summary
        raise KeyError(f"no summary for {system} on {set_name}")


def _one(
    retriever: Retriever,
    system: RetrievalSystem,
    question: EvalQuestion,
    set_name: str,
    *,
    generator: Generator | None,
    options: AnswerOptions,
) -> QuestionResult:
    found = system.retrieve(question.question)
    documents = found.documents
    by_passage = [p.document_id for p in found.passages]
    result = QuestionResult(
        set=set_name,
        id=question.id,
        system=system.name,
        question=question.question,
        documents=documents[: max(KS)],
        answerable=bool(question.answers),
        recall={k: recall_at_k(documents, question.supporting, k) for k in KS},
        all_at={k: all_at_k(by_passage, question.supporting, k) for k in KS},
        hit=float(any(overlaps_quote(p.text, question.quotes) for p in found.passages[:HIT_AT]))
        if question.quotes
        else None,
        reciprocal_rank=reciprocal_rank(documents, question.supporting),
        retrieve_ms=round(found.seconds * 1000, 3),
    )
    if generator is not None:
        began = perf_counter()
        generation = generate_answer(retriever, generator, question.question, found, options=options)
        span = (generation.span or answer_span(generation.text)) if generation.answerable else ""
        result.answer, result.span, result.abstained = generation.text, span, not generation.answerable
        result.exact_match = exact_match(span, question.answers)
        result.f1 = token_f1(span, question.answers)
        result.correct = float(answer_contains(span, question.answers)) if question.answers else None
        result.answer_ms = round((perf_counter() - began) * 1000, 3)
    return result


def summarise(results: Sequence[QuestionResult]) -> list[SystemSummary]:
    """One summary per (set, system), in the order they first appear, then one per system over every answerable
    question when some questions are not answerable."""
    groups: dict[tuple[str, str], list[QuestionResult]] = {}
    for result in results:
        groups.setdefault((result.set, result.system), []).append(result)
    if any(not r.answerable for r in results):
        for result in results:
            if result.answerable:
                groups.setdefault((ANSWERABLE, result.system), []).append(result)
    summaries = []
    for (set_name, system), group in groups.items():
        answered = [r for r in group if r.exact_match is not None]
        answer_ms = [r.answer_ms for r in answered if r.answer_ms is not None]
        latency = [r.retrieve_ms for r in group]
        hits = [r.hit for r in group if r.hit is not None]
        judged = [r.correct for r in answered if r.correct is not None]
        summaries.append(
            SystemSummary(
                set=set_name,
                system=system,
                questions=len(group),
                recall={k: round(fmean(r.recall[k] for r in group), 4) for k in KS},
                all_at={k: round(fmean(r.all_at.get(k, 0.0) for r in group), 4) for k in KS},
                hit=round(fmean(hits), 4) if hits else None,
                mrr=round(fmean(r.reciprocal_rank for r in group), 4),
                exact_match=round(fmean(r.exact_match or 0.0 for r in answered), 4) if answered else None,
                f1=round(fmean(r.f1 or 0.0 for r in answered), 4) if answered else None,
                correct=round(fmean(judged), 4) if judged else None,
                abstained=round(fmean(float(bool(r.abstained)) for r in answered), 4) if answered else None,
                latency_p50_ms=round(percentile(latency, 0.5), 2),
                latency_p95_ms=round(percentile(latency, 0.95), 2),
                answer_p50_ms=round(percentile(answer_ms, 0.5), 2) if answer_ms else None,
            )
        )
    return summaries


def evaluate(
    retriever: Retriever,
    systems: Sequence[RetrievalSystem],
    sets: Mapping[str, Sequence[EvalQuestion]],
    *,
    generator: Generator | None = None,
    options: AnswerOptions | None = None,
    depth: int = 20,
    keep_results: bool = True,
    advance: Advance | None = None,
) -> EvaluationReport:
    """Run every system on every question of ``sets``; ``advance(system)`` is called after each question.

    Each system first answers one warm-up question (not counted), so no system pays a one-time cost (a model
    loaded lazily, a query plan compiled, the graph snapshot read) inside its timings.
    """
    options = options or AnswerOptions()
    retriever.snapshot()  # the graph snapshot read before the first question, not beside the first few
    first = next((q for questions in sets.values() for q in questions), None)
    if first is not None:
        for system in systems:
            system.retrieve(first.question)
    results: list[QuestionResult] = []
    for set_name, questions in sets.items():
        for question in questions:
            for system in systems:
                results.append(_one(retriever, system, question, set_name, generator=generator, options=options))
                if advance is not None:
                    advance(system.name)
    return EvaluationReport(
        generator=generator.name if generator is not None else None,
        depth=depth,
        summaries=summarise(results),
        results=results if keep_results else [],
    )
