"""Which questions an evaluation runs: a shipped set by name, or a JSONL file of one's own.

``multihop``, ``singlehop`` and ``all`` (both) are the shipped GeoNames and Wikipedia sets over
``data/eval/corpus.jsonl``; ``prose`` is the hand-written set over ``data/wikipedia`` (:mod:`.prose`); anything else
is a path to a question file (:func:`~retrieval.evaluation.datasets.load_question_file`), whose corpus is the
caller's to name. The whole set is read and checked here, before a server starts or a document is ingested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trellis.retrieval.evaluation.datasets import (
    DEFAULT_EVAL_DIR,
    SET_NAMES,
    EvalQuestion,
    Split,
    load_question_file,
    load_sets,
)
from trellis.retrieval.evaluation.prose import PROSE_CORPUS, as_eval_questions, load_articles, load_prose
from trellis.retrieval.evaluation.system_names import PROSE_SYSTEMS, SYSTEM_NAMES

__all__ = ["NAMED_SETS", "QuestionSet", "choose_set"]

NAMED_SETS = ("multihop", "singlehop", "all", "prose")
"""The shipped sets ``--set`` names; any other value is a question file."""


@dataclass(frozen=True)
class QuestionSet:
    """The questions of one run, by type or set, with what the history records about where they came from."""

    name: str
    """The named set, or the question file's name without its suffix."""
    sets: dict[str, list[EvalQuestion]]
    files: tuple[Path, ...]
    """The files the questions were read from, in order (their content is hashed into the history)."""
    corpus: Path | None
    """The corpus the questions are about; None for a question file (ingest one given, or use the current graph)."""
    systems: tuple[str, ...]
    """The systems to compare on it."""
    split: bool
    """Whether ``--split`` chose among its questions."""

    @property
    def questions(self) -> int:
        """How many questions the run asks (each of every system)."""
        return sum(len(questions) for questions in self.sets.values())


def choose_set(
    which: str, *, data: Path | None = None, splits: Sequence[Split] = ("test",), limit: int | None = None
) -> QuestionSet:
    """The set ``which`` names, from ``data`` (a folder laid out as ``data/eval``) when given; a question file's
    questions of ``splits`` (and those with no split). A missing or malformed set raises
    :class:`~retrieval.errors.EvaluationDataError` naming the file and line."""
    folder = data or DEFAULT_EVAL_DIR
    if which == "prose":
        path = folder / "prose" / "questions.jsonl"
        corpus = PROSE_CORPUS if data is None else data / "corpus.jsonl"
        questions = load_prose(path, splits=splits, limit=limit)
        sets = as_eval_questions(questions, load_articles(corpus))
        return QuestionSet("prose", sets, (path,), corpus, PROSE_SYSTEMS, split=True)
    if which in NAMED_SETS:
        names = SET_NAMES if which == "all" else tuple(name for name in SET_NAMES if name == which)
        files = tuple(folder / f"{name}.jsonl" for name in names)
        sets = load_sets(folder, names, limit=limit)
        return QuestionSet(which, sets, files, folder / "corpus.jsonl", SYSTEM_NAMES, split=False)
    path = Path(which).expanduser()
    sets = load_question_file(path, splits=splits, limit=limit)
    with_split = any(question.split is not None for questions in sets.values() for question in questions)
    return QuestionSet(path.stem, sets, (path,), None, PROSE_SYSTEMS, split=with_split)
