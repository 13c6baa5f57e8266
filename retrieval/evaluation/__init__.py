"""Retrieval evaluation: passage recall@k, MRR and answer EM/F1 of Trellis against dense-only, full-text-only and
hybrid (no graph) baselines, on the shipped multi-hop (GeoNames), single-hop and prose (Wikipedia) sets or a question
file of one's own (``question_sets``); every run is kept in a Parquet history (``history``, drawn by ``trends``).

The names load on first use: choosing and checking a question set loads no model library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trellis.kg.lazy import lazy_names

if TYPE_CHECKING:
    from trellis.retrieval.evaluation.datasets import DEFAULT_EVAL_DIR, EvalQuestion, load_questions, load_sets
    from trellis.retrieval.evaluation.metrics import (
        answer_span,
        exact_match,
        normalize_answer,
        recall_at_k,
        reciprocal_rank,
        token_f1,
    )
    from trellis.retrieval.evaluation.runner import EvaluationReport, QuestionResult, SystemSummary, evaluate
    from trellis.retrieval.evaluation.system_names import SYSTEM_NAMES
    from trellis.retrieval.evaluation.systems import Retrieved, build_systems

__all__ = [
    "DEFAULT_EVAL_DIR",
    "SYSTEM_NAMES",
    "EvalQuestion",
    "EvaluationReport",
    "QuestionResult",
    "Retrieved",
    "SystemSummary",
    "answer_span",
    "build_systems",
    "evaluate",
    "exact_match",
    "load_questions",
    "load_sets",
    "normalize_answer",
    "recall_at_k",
    "reciprocal_rank",
    "token_f1",
]

_HOMES = (
    "trellis.retrieval.evaluation.datasets",
    "trellis.retrieval.evaluation.metrics",
    "trellis.retrieval.evaluation.system_names",
    "trellis.retrieval.evaluation.runner",
    "trellis.retrieval.evaluation.systems",
)
"""Where the public names live, the lightest first."""

__getattr__, __dir__ = lazy_names(__name__, __all__, _HOMES)
