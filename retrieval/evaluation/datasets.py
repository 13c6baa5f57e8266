"""The evaluation sets: questions with their gold answers and supporting documents, read from JSON Lines.

``data/eval`` (built by ``scripts/build_eval_sets.py``) holds ``corpus.jsonl`` (GeoNames fact documents and
Wikipedia articles), ``multihop.jsonl`` (two-document questions) and ``singlehop.jsonl`` (questions over the
articles). Each question line: ``{"id", "question", "answers": [...], "supporting": [document ids], "kind"}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from retrieval.errors import EvaluationDataError

__all__ = ["DEFAULT_EVAL_DIR", "SET_NAMES", "EvalQuestion", "SetName", "load_questions", "load_sets"]

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "eval"
"""Where the shipped sets live in a source checkout."""

SetName = Literal["multihop", "singlehop"]
SET_NAMES: tuple[SetName, ...] = ("multihop", "singlehop")


class EvalQuestion(BaseModel):
    """A question, its acceptable answers and the documents that together support the answer."""

    id: str
    question: str
    answers: list[str] = Field(default_factory=list)
    """Empty for a question whose answer is not in the corpus."""
    supporting: list[str] = Field(default_factory=list)
    kind: str = ""
    evidence: str | None = None
    quotes: list[str] = Field(default_factory=list)
    """Verbatim evidence passages (the prose set): a passage that overlaps one is a hit."""


def load_questions(path: Path) -> list[EvalQuestion]:
    """The questions of one JSONL file; :class:`EvaluationDataError` names the bad line."""
    if not path.is_file():
        raise EvaluationDataError(f"no evaluation set at {path}: build it with `python scripts/build_eval_sets.py`")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as error:
            raise EvaluationDataError(f"{path}:{number}: not an evaluation question ({error})") from error
    return questions


def load_sets(
    folder: Path = DEFAULT_EVAL_DIR, names: Sequence[SetName] = SET_NAMES, *, limit: int | None = None
) -> dict[str, list[EvalQuestion]]:
    """The named sets of ``folder``, each cut to its first ``limit`` questions when given."""
    return {name: load_questions(folder / f"{name}.jsonl")[:limit] for name in names}
