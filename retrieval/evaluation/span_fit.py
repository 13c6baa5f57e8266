"""Fitting the span ranker on the dev split of the prose set (``trellis eval fit-spans``).

Every answerable dev question is retrieved by Trellis as the evaluation does, its context built the same way, and
every candidate answer of its sentences labelled by whether it holds an accepted answer. The ranker's weights are
fitted to all of them (:func:`~retrieval.generators.span_ranker.fit_ranker`); before that, repeated k-fold
cross-validation over the questions says how often the ranker, fitted without a question, puts a right candidate
first for it, beside how often the hand-set support does. Only the dev split is read: the test split stays unseen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

import numpy as np

from trellis.retrieval.evaluation.datasets import EvalQuestion
from trellis.retrieval.evaluation.metrics import answer_contains
from trellis.retrieval.evaluation.systems import GraphSystem, answer_context
from trellis.retrieval.generators.extractive import ExtractiveGenerator
from trellis.retrieval.generators.span_ranker import SpanRanker, fit_ranker
from trellis.retrieval.retriever import Retriever
from trellis.retrieval.types import AnswerOptions

__all__ = ["Labelled", "cross_validate", "fit_spans", "labelled_candidates"]

Advance = Callable[[], None]


@dataclass(frozen=True)
class Labelled:
    """One question's candidates: each one's features, support, and whether it holds an accepted answer."""

    kind: str
    rows: Sequence[tuple[Mapping[str, float], float, bool]]


def labelled_candidates(
    retriever: Retriever, sets: Mapping[str, Sequence[EvalQuestion]], *, advance: Advance | None = None
) -> list[Labelled]:
    """The labelled candidates of every answerable question of ``sets``, as Trellis's own retrieval finds them."""
    generator = retriever.generator
    if not isinstance(generator, ExtractiveGenerator):
        generator = ExtractiveGenerator(nlp=retriever.nlp, embed=retriever.embedder.embed)
    system = GraphSystem(retriever, depth=20)
    options = AnswerOptions()
    labelled = []
    for kind, questions in sets.items():
        for question in questions:
            if question.answers:
                found = system.retrieve(question.question)
                context = answer_context(retriever, question.question, found, options=options)
                candidates = generator.sentence_candidates(question.question, context, entities=found.entities)
                rows = [
                    (c.features, c.support, answer_contains(c.text, question.answers))
                    for c, _ in candidates
                    if c.support > 0
                ]
                labelled.append(Labelled(kind, rows))
            if advance is not None:
                advance()
    return labelled


def _first_right(rows: Sequence[tuple[Mapping[str, float], float, bool]], scores: Sequence[float]) -> bool:
    """Whether the candidate scored highest (the first of equals) is right."""
    return bool(rows) and rows[int(np.argmax(scores))][2]


def cross_validate(
    labelled: Sequence[Labelled], *, folds: int = 5, repeats: int = 3, l2: float = 0.03
) -> dict[str, dict[str, float]]:
    """Per question type, the share of questions whose first candidate is right: by the ranker fitted on the other
    folds (``ranker``), by the hand-set support (``support``) and by the best any ordering could do (``reachable``)."""
    picks: dict[str, dict[str, list[float]]] = {}
    for repeat in range(repeats):
        order = np.random.default_rng(repeat).permutation(len(labelled))
        for fold in range(folds):
            held = set(order[fold::folds].tolist())
            ranker = fit_ranker(
                [[(f, right) for f, _, right in q.rows] for i, q in enumerate(labelled) if i not in held], l2=l2
            )
            for i in sorted(held):
                question = labelled[i]
                rows = question.rows
                judged = picks.setdefault(question.kind, {"ranker": [], "support": [], "reachable": []})
                judged["ranker"].append(_first_right(rows, [ranker.score(f) for f, _, _ in rows]))
                judged["support"].append(_first_right(rows, [support for _, support, _ in rows]))
                judged["reachable"].append(any(right for _, _, right in rows))
    return {kind: {name: round(100 * fmean(v), 1) for name, v in judged.items()} for kind, judged in picks.items()}


def fit_spans(
    retriever: Retriever,
    sets: Mapping[str, Sequence[EvalQuestion]],
    *,
    l2: float = 0.03,
    folds: int = 5,
    advance: Advance | None = None,
) -> SpanRanker:
    """A ranker fitted on every answerable question of ``sets``, its cross-validated accuracy in ``about``."""
    labelled = labelled_candidates(retriever, sets, advance=advance)
    checked = cross_validate(labelled, folds=folds, l2=l2)
    ranker = fit_ranker([[(f, right) for f, _, right in q.rows] for q in labelled], l2=l2)
    about = {**ranker.about, "fitted_on": "prose dev split", "cross_validated_first_right": checked}
    return SpanRanker(weights=ranker.weights, about=about)
