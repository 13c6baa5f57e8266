"""The evaluation sets: questions with their gold answers and supporting documents, read from JSON Lines.

``data/eval`` (built by ``scripts/build_eval_sets.py``) holds ``corpus.jsonl`` (GeoNames fact documents and
Wikipedia articles), ``multihop.jsonl`` (two-document questions) and ``singlehop.jsonl`` (questions over the
articles). Each question line: ``{"id", "question", "answers": [...], "supporting": [document ids], "kind"}``.

A team's own question set (``trellis eval retrieval --set FILE``) has the same shape, with evidence quotes, a
question type and a split optionally beside the supporting documents (:func:`load_question_file`;
docs/retrieval.md#your-own-question-set). Every loader reads through :func:`read_lines`, so a bad line is
one error that names the file, the line and what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, model_validator

from trellis.retrieval.errors import EvaluationDataError

__all__ = [
    "DEFAULT_EVAL_DIR",
    "SET_NAMES",
    "EvalQuestion",
    "SetName",
    "Split",
    "load_question_file",
    "load_questions",
    "load_sets",
    "read_lines",
]

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "eval"
"""Where the shipped sets live in a source checkout."""

SetName = Literal["multihop", "singlehop"]
SET_NAMES: tuple[SetName, ...] = ("multihop", "singlehop")
Split = Literal["dev", "test"]
Line = TypeVar("Line", bound=BaseModel)


class EvalQuestion(BaseModel):
    """A question, its acceptable answers and the documents that together support the answer.

    Unknown fields are refused, so a misspelt one (``answer`` for ``answers``) is an error rather than a question
    silently taken as unanswerable. An answerable question names its evidence: supporting document ids, quotes,
    or both; without them its retrieval could not be scored.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    answers: list[str] = Field(default_factory=list)
    """Empty for a question whose answer is not in the corpus (abstaining is the right answer)."""
    supporting: list[str] = Field(default_factory=list)
    """The ids of the documents that together support the answer."""
    kind: str = Field(default="", validation_alias=AliasChoices("kind", "type"))
    """The question's type (``type`` in a file too): the report has one row per type."""
    split: Split | None = None
    """``dev`` (tune on it) or ``test`` (report it); none: the question is in every split."""
    evidence: str | None = None
    """A note of the sentence that answers (the single-hop set's); not scored."""
    quotes: list[str] = Field(default_factory=list)
    """Verbatim evidence passages: a passage that overlaps one is a hit."""

    @model_validator(mode="after")
    def _evidence_for_answers(self) -> EvalQuestion:
        if self.answers and not (self.supporting or self.quotes):
            raise ValueError("an answerable question needs supporting document ids or evidence quotes")
        return self


def _problem(error: json.JSONDecodeError | ValidationError) -> str:
    """What is wrong with a line, in one line: the JSON error and its column, or each field and its complaint."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'the line'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


def read_lines(path: Path, model: type[Line], *, what: str) -> list[tuple[int, Line]]:
    """Each non-blank line of a JSONL file as ``model``, with its line number; the first bad line raises
    :class:`EvaluationDataError` as ``path:line: not <what>: <what is wrong>``."""
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append((number, model.model_validate(json.loads(line))))
        except (json.JSONDecodeError, ValidationError) as error:
            raise EvaluationDataError(f"{path}:{number}: not {what}: {_problem(error)}") from error
    return lines


def load_questions(path: Path) -> list[EvalQuestion]:
    """The questions of one JSONL file; :class:`EvaluationDataError` names the bad line."""
    if not path.is_file():
        raise EvaluationDataError(f"no evaluation set at {path}: build it with `python scripts/build_eval_sets.py`")
    return [question for _, question in read_lines(path, EvalQuestion, what="an evaluation question")]


def load_sets(
    folder: Path = DEFAULT_EVAL_DIR, names: Sequence[SetName] = SET_NAMES, *, limit: int | None = None
) -> dict[str, list[EvalQuestion]]:
    """The named sets of ``folder``, each cut to its first ``limit`` questions when given."""
    return {name: load_questions(folder / f"{name}.jsonl")[:limit] for name in names}


def load_question_file(
    path: Path, *, splits: Iterable[Split] = ("dev", "test"), limit: int | None = None
) -> dict[str, list[EvalQuestion]]:
    """A question set of one's own: its questions of ``splits`` (and those without a split), one set per type in
    the order types first appear (untyped questions under the file's name), each cut to its first ``limit``.

    The whole file is read and checked before anything runs: a malformed line, a duplicate id or a file with no
    question of the splits asked is an :class:`EvaluationDataError` naming the file (and the line).
    """
    if not path.is_file():
        raise EvaluationDataError(f"no question set at {path}: give a JSONL file or one of the named sets")
    wanted = set(splits)
    first_seen: dict[str, int] = {}
    by_type: dict[str, list[EvalQuestion]] = {}
    for number, question in read_lines(path, EvalQuestion, what="an evaluation question"):
        if question.id in first_seen:
            raise EvaluationDataError(
                f"{path}:{number}: duplicate id {question.id!r} (first on line {first_seen[question.id]})"
            )
        first_seen[question.id] = number
        if question.split is None or question.split in wanted:
            by_type.setdefault(question.kind or path.stem, []).append(question)
    if not by_type:
        which = "" if not first_seen else f" of the {'/'.join(sorted(wanted))} split"
        raise EvaluationDataError(f"{path} holds no question{which}")
    return {kind: questions[:limit] for kind, questions in by_type.items()}
