"""The prose set: natural questions written by hand over the Wikipedia articles of ``data/wikipedia``.

Each line of ``data/eval/prose/questions.jsonl`` is one question with its type, split, accepted answers and the
exact evidence quotes (article title and a verbatim substring of its text)::

    {"id": "prose-017", "split": "dev", "type": "bridge", "question": "...", "answers": ["..."],
     "evidence": [{"title": "A", "quote": "..."}, {"title": "B", "quote": "..."}], "bridge": "B"}

Types: ``single`` (one fact of one article), ``bridge`` (the question names A; the answer is a fact of an entity B
that only A's article leads to, named by neither the question nor), ``comparison`` (two articles) and ``absent``
(plausible, but the answer and the question's key terms are nowhere in the corpus). Tune on ``dev``, report
``test``. :func:`validate` checks every quote against the article text, and that an answer occurs in the last
quote of single and bridge questions; :func:`as_eval_questions` turns the set into the runner's questions, with
each article title mapped to its document id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.datasets import DEFAULT_EVAL_DIR, EvalQuestion, Split, read_lines
from trellis.retrieval.pages import plain_title

__all__ = [
    "PROSE_CORPUS",
    "PROSE_QUESTIONS",
    "PROSE_TYPES",
    "Article",
    "EvidenceQuote",
    "ProseQuestion",
    "as_eval_questions",
    "load_articles",
    "load_prose",
    "validate",
]

PROSE_QUESTIONS = DEFAULT_EVAL_DIR / "prose" / "questions.jsonl"
PROSE_CORPUS = DEFAULT_EVAL_DIR.parent / "wikipedia" / "wikipedia.jsonl"
QuestionType = Literal["single", "bridge", "comparison", "absent"]
PROSE_TYPES: tuple[QuestionType, ...] = ("single", "bridge", "comparison", "absent")


class EvidenceQuote(BaseModel):
    """A verbatim passage of one article that supports the answer."""

    title: str
    quote: str = Field(min_length=1)


class ProseQuestion(BaseModel):
    """One hand-written question of the prose set."""

    id: str
    split: Split
    type: QuestionType
    question: str = Field(min_length=1)
    answers: list[str] = Field(default_factory=list)
    evidence: list[EvidenceQuote] = Field(default_factory=list)
    bridge: str | None = None
    absent_terms: list[str] = Field(default_factory=list)


class Article(BaseModel):
    """An article of the corpus: its document id, title and text."""

    id: str
    title: str
    text: str


def load_articles(path: Path = PROSE_CORPUS) -> dict[str, Article]:
    """The corpus's articles by title."""
    if not path.is_file():
        raise EvaluationDataError(f"no prose corpus at {path}")
    articles = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = Article.model_validate(json.loads(line))
            articles[article.title] = article
    return articles


def load_prose(
    path: Path = PROSE_QUESTIONS, *, splits: Iterable[Split] = ("dev", "test"), limit: int | None = None
) -> list[ProseQuestion]:
    """The questions of ``splits`` (each type cut to its first ``limit`` when given); errors name the line."""
    if not path.is_file():
        raise EvaluationDataError(f"no prose question set at {path}")
    wanted = set(splits)
    questions = [q for _, q in read_lines(path, ProseQuestion, what="a prose question") if q.split in wanted]
    if limit is None:
        return questions
    by_type: dict[str, list[ProseQuestion]] = {}
    for question in questions:
        by_type.setdefault(question.type, []).append(question)
    return [q for rows in by_type.values() for q in rows[:limit]]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def validate(questions: Sequence[ProseQuestion], articles: Mapping[str, Article]) -> list[str]:
    """Every problem of the set, one line each (empty: the set is sound)."""
    problems: list[str] = []
    corpus = "\n".join(_folded(a.text) for a in articles.values())
    seen: set[str] = set()
    for q in questions:
        where = f"{q.id} ({q.type})"
        if q.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(q.id)
        if q.type == "absent":
            if q.answers or q.evidence:
                problems.append(f"{where}: an absent question has no answers and no evidence")
            if not q.absent_terms:
                problems.append(f"{where}: an absent question lists the key terms the corpus lacks")
            for term in q.absent_terms:
                if re.search(rf"\b{re.escape(_folded(term))}\b", corpus):
                    problems.append(f"{where}: the absent term {term!r} occurs in the corpus")
            continue
        if not q.answers or not q.evidence:
            problems.append(f"{where}: needs accepted answers and evidence quotes")
            continue
        for evidence in q.evidence:
            article = articles.get(evidence.title)
            if article is None:
                problems.append(f"{where}: no article titled {evidence.title!r}")
            elif evidence.quote not in article.text:
                problems.append(f"{where}: quote not verbatim in {evidence.title!r}: {evidence.quote[:60]!r}")
        titles = {e.title for e in q.evidence}
        if q.type in ("single", "bridge") and not any(_folded(a) in _folded(q.evidence[-1].quote) for a in q.answers):
            problems.append(f"{where}: no accepted answer occurs in the last evidence quote")
        if q.type == "single" and len(titles) != 1:
            problems.append(f"{where}: a single-fact question has evidence from one article")
        if q.type in ("bridge", "comparison") and len(titles) < 2:
            problems.append(f"{where}: evidence from two articles is needed")
        if q.type == "bridge":
            if not q.bridge or _folded(q.bridge) not in _folded(q.evidence[0].quote):
                problems.append(f"{where}: the first quote must name the bridge entity")
            elif _folded(q.bridge) in _folded(q.question):
                problems.append(f"{where}: the question names the bridge entity")
            for title in [e.title for e in q.evidence[1:]]:
                if _folded(plain_title(title)) in _folded(q.question):
                    problems.append(f"{where}: the question names the second article {title!r}")
    return problems


def as_eval_questions(
    questions: Sequence[ProseQuestion], articles: Mapping[str, Article]
) -> dict[str, list[EvalQuestion]]:
    """The runner's questions, one set per type (in :data:`PROSE_TYPES` order), supporting documents by id."""
    sets: dict[str, list[EvalQuestion]] = {name: [] for name in PROSE_TYPES}
    for q in questions:
        supporting = list(dict.fromkeys(articles[e.title].id for e in q.evidence))
        sets[q.type].append(
            EvalQuestion(
                id=q.id,
                question=q.question,
                answers=q.answers,
                supporting=supporting,
                kind=q.type,
                quotes=[e.quote for e in q.evidence],
            )
        )
    return {name: rows for name, rows in sets.items() if rows}
