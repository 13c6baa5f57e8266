"""Retrieval and answer metrics: passage recall@k and MRR by supporting documents, SQuAD exact match and token F1.

Recall@k is the share of a question's supporting documents among the first ``k`` distinct documents retrieved
(HippoRAG's passage recall@k, with documents as passages: each fact of the evaluation corpus is its own
document). MRR is the reciprocal rank of the first supporting document. Answers are compared after SQuAD's
normalisation (lower case, punctuation and the articles a/an/the removed, whitespace collapsed), against the best
of the gold answers.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

__all__ = [
    "all_at_k",
    "answer_contains",
    "answer_span",
    "exact_match",
    "normalize_answer",
    "overlaps_quote",
    "percentile",
    "recall_at_k",
    "reciprocal_rank",
    "token_f1",
]

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = frozenset(string.punctuation)
_CITATION = re.compile(r"\s*\[\d+\]")
_TRIPLE = re.compile(r"\.\s+\(.*?\)\s+-\[")


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, answers: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals a normalised gold answer, else 0.0."""
    predicted = normalize_answer(prediction)
    return float(any(predicted == normalize_answer(answer) for answer in answers))


def _f1(prediction: str, answer: str) -> float:
    predicted, gold = normalize_answer(prediction).split(), normalize_answer(answer).split()
    if not predicted or not gold:
        return float(predicted == gold)
    common = sum((Counter(predicted) & Counter(gold)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, answers: Iterable[str]) -> float:
    """SQuAD token F1 of the prediction against the best-matching gold answer (0.0 when none is given)."""
    return max((_f1(prediction, answer) for answer in answers), default=0.0)


def answer_span(text: str) -> str:
    """The short answer of a generated text: citations ``[n]`` removed, the triples after a fact answer dropped
    ("Tirana. (Tirana) -[CAPITAL_OF]-> (Albania) [1]" -> "Tirana"), quotes around a quoted sentence removed."""
    if match := _TRIPLE.search(text):
        text = text[: match.start()]
    text = _CITATION.sub("", text).strip()
    return text.strip('"\u201c\u201d').strip()


def _distinct(ranked: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ranked))


def recall_at_k(ranked: Sequence[str], supporting: Collection[str], k: int) -> float:
    """The share of ``supporting`` ids among the first ``k`` distinct ids of ``ranked`` (0.0 with no support)."""
    if not supporting:
        return 0.0
    top = set(_distinct(ranked)[:k])
    return sum(1 for item in set(supporting) if item in top) / len(set(supporting))


def reciprocal_rank(ranked: Sequence[str], supporting: Collection[str]) -> float:
    """1 / the rank of the first supporting id among the distinct ids of ``ranked``; 0.0 when none is there."""
    wanted = set(supporting)
    for rank, item in enumerate(_distinct(ranked), start=1):
        if item in wanted:
            return 1.0 / rank
    return 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile of ``values`` by linear interpolation between ranks; 0.0 when empty."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"a percentile share is between 0 and 1, got {share}")
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def all_at_k(passage_documents: Sequence[str], supporting: Collection[str], k: int) -> float:
    """1.0 when every supporting document is the document of one of the first ``k`` passages, else 0.0 (the
    passages counted as retrieved, each document as often as it has passages there; 0.0 with no support)."""
    if not supporting:
        return 0.0
    return float(set(supporting) <= set(passage_documents[:k]))


def answer_contains(answer: str, answers: Iterable[str]) -> bool:
    """Whether a normalised accepted answer occurs in the normalised answer (as whole words)."""
    said = f" {normalize_answer(answer)} "
    return any(gold and f" {gold} " in said for gold in map(normalize_answer, answers))


def overlaps_quote(passage: str, quotes: Iterable[str], *, run: int = 8) -> bool:
    """Whether the passage holds a run of ``run`` consecutive words of an evidence quote (the whole quote when it
    is shorter), compared after normalisation: a chunk boundary may cut a quote, but not every run of it."""
    text = f" {normalize_answer(passage)} "
    for quote in quotes:
        words = normalize_answer(quote).split()
        size = min(run, len(words))
        if size and any(f" {' '.join(words[i : i + size])} " in text for i in range(len(words) - size + 1)):
            return True
    return False
