"""Which candidate is the answer: a linear ranker over the candidates' features, its weights fitted on the dev
split of the prose set (``trellis eval fit-spans``) and shipped beside this module as ``span_ranker.json``.

The weights are fitted listwise: for each dev question, the softmax over its candidates' scores should put its
mass on the candidates that hold an accepted answer (a conditional logit, L2-regularised). Weights fitted to the
whole split at once hold up better on questions they have not seen than a hand-set score tuned question by
question; the fitting command reports both, cross-validated on dev (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from trellis.retrieval.errors import EvaluationDataError, GeneratorError
from trellis.retrieval.generators.candidates import FEATURES

__all__ = ["DEFAULT_WEIGHTS", "SpanRanker", "default_ranker", "fit_ranker", "writable"]

DEFAULT_WEIGHTS = Path(__file__).with_name("span_ranker.json")


@dataclass(frozen=True)
class SpanRanker:
    """Weights over :data:`~retrieval.generators.candidates.FEATURES`; a feature without a weight weighs 0."""

    weights: Mapping[str, float]
    about: Mapping[str, object] = field(default_factory=dict)
    """How the weights were fitted: the split, the questions, the regularisation, the cross-validated accuracy."""

    def score(self, features: Mapping[str, float]) -> float:
        """The candidate's score: higher is likelier the answer (only differences between candidates count)."""
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    @classmethod
    def load(cls, path: Path = DEFAULT_WEIGHTS) -> SpanRanker:
        """The ranker saved at ``path``."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            weights = {str(k): float(v) for k, v in saved["weights"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise GeneratorError(f"no span ranker weights at {path}: {error}") from error
        unknown = sorted(set(weights) - set(FEATURES))
        if unknown:
            raise GeneratorError(f"the span ranker at {path} weighs unknown features {unknown}")
        return cls(weights=weights, about=saved.get("about", {}))

    def save(self, path: Path = DEFAULT_WEIGHTS) -> Path:
        """Write the ranker to ``path`` (JSON) and return it; GeneratorError when it cannot be written."""
        body = {"about": dict(self.about), "weights": {name: round(self.weights[name], 6) for name in self.weights}}
        try:
            path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise GeneratorError(f"cannot write the span ranker's weights to {path}: {error.strerror}") from error
        return path


def writable(path: Path) -> None:
    """GeneratorError unless ranker weights can be written to ``path`` (a file in an existing, writable folder)."""
    if path.is_dir():
        raise GeneratorError(f"cannot write the span ranker's weights to {path}: it is a folder")
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise GeneratorError(f"cannot write the span ranker's weights to {path}: no writable folder there")


@cache
def default_ranker() -> SpanRanker:
    """The shipped ranker (read once per process)."""
    return SpanRanker.load()


def fit_ranker(
    questions: Sequence[Sequence[tuple[Mapping[str, float], bool]]], *, l2: float = 0.03, steps: int = 300
) -> SpanRanker:
    """Weights for which each question's candidates (features, holds an accepted answer) rank a right one first:
    the L2-regularised conditional logit, fitted by L-BFGS. Questions with no right candidate teach nothing and
    are left out."""
    import torch  # only fitting needs it

    taught = [rows for rows in questions if any(right for _, right in rows)]
    if not taught:
        raise EvaluationDataError("no question has a right candidate to learn from")
    tensors = [
        (
            torch.tensor([[features.get(name, 0.0) for name in FEATURES] for features, _ in rows], dtype=torch.float64),
            torch.tensor([right for _, right in rows], dtype=torch.bool),
        )
        for rows in taught
    ]
    weights = torch.zeros(len(FEATURES), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights], max_iter=steps, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        total = torch.zeros((), dtype=torch.float64)
        for features, right in tensors:
            scores = features @ weights
            total = total - (torch.logsumexp(scores[right], 0) - torch.logsumexp(scores, 0))
        value = total / len(tensors) + l2 * (weights * weights).sum()
        value.backward()  # type: ignore[no-untyped-call]
        return value

    optimiser.step(loss)  # type: ignore[no-untyped-call]
    fitted = weights.detach().tolist()
    return SpanRanker(weights=dict(zip(FEATURES, fitted, strict=True)), about={"l2": l2, "questions": len(taught)})
