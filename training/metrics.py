"""Answer metrics: exact match and token F1 on the short answer, abstentions, and the relations an answer cites.

A model's answer has the shape the targets teach (``Tirana [1]``): the short answer is the text before the first
citation mark, or before the first relation a model printed (``Tirana. (Tirana) -[CAPITAL_OF]-> (Albania) [1]``).
"""

from __future__ import annotations

import re

from trellis.retrieval.evaluation.metrics import normalize_answer
from trellis.retrieval.evaluation.metrics import token_f1 as best_token_f1
from trellis.retrieval.types import Fact

__all__ = ["cited_triples", "exact_match", "normalise", "short_answer", "token_f1"]

_TRIPLE = re.compile(r"\(([^()]+)\)\s*-\[([A-Za-z0-9_]+)\]->\s*\(([^()]+)\)")
_CITATION = re.compile(r"\[\d+\]")
_LIST_SPLIT = re.compile(r",\s*|\s+and\s+")


def short_answer(text: str) -> str:
    """The short answer of a model's text: before the first relation ``(…) -[…]->`` or citation ``[n]``."""
    text = " ".join(text.split())
    cut = min((m.start() for m in (_TRIPLE.search(text), _CITATION.search(text)) if m is not None), default=len(text))
    return text[:cut].strip().rstrip(".;:,").strip()


def normalise(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces (the SQuAD normalisation of the evaluation)."""
    return normalize_answer(text)


def _items(text: str) -> frozenset[str]:
    return frozenset(normalise(item) for item in _LIST_SPLIT.split(text) if normalise(item))


def exact_match(prediction: str, gold: str) -> bool:
    """Same normalised answer; a list answer ("A, B and C") matches the same items in any order."""
    if normalise(prediction) == normalise(gold):
        return True
    return len(_items(gold)) > 1 and _items(prediction) == _items(gold)


def token_f1(prediction: str, gold: str) -> float:
    """Token overlap F1 between the normalised answers (0..1), as the evaluation scores it."""
    return best_token_f1(prediction, [gold])


def cited_triples(text: str) -> list[Fact]:
    """The relations an answer cites, written ``(Subject) -[PREDICATE]-> (Object)`` (names, not ids)."""
    return [
        Fact(subject_id="", subject=s.strip(), predicate=p, object_id="", object=o.strip())
        for s, p, o in _TRIPLE.findall(text)
    ]
