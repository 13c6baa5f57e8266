"""Cross-validating the span ranker: a ranker fitted without a question is judged on it, beside the support."""

from __future__ import annotations

from trellis.retrieval.evaluation.span_fit import Labelled, cross_validate


def test_cross_validation_judges_each_question_by_a_ranker_that_never_saw_it() -> None:
    near, far = {"nearness": 1.0}, {"nearness": 0.1}
    # The hand-set support prefers the far candidate; the features say the near one is right.
    labelled = [Labelled("single", [(near, 0.2, True), (far, 0.9, False)]) for _ in range(10)]
    labelled += [Labelled("bridge", [(far, 0.5, False)]) for _ in range(5)]  # nothing right to find
    checked = cross_validate(labelled, folds=5, repeats=2)
    assert checked["single"] == {"ranker": 100.0, "support": 0.0, "reachable": 100.0}
    assert checked["bridge"] == {"ranker": 0.0, "support": 0.0, "reachable": 0.0}
