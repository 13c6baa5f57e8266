"""Sentences of a passage, and the one that best matches a question: what the second hop searches from, what
the ranking reads within a passage, and where the short answer is looked for."""

from __future__ import annotations

import re
from collections.abc import Sequence

from trellis.retrieval.ranking import content_words
from trellis.retrieval.types import Passage

__all__ = ["best_sentence", "rerank_by_sentence", "sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "sr",
        "jr",
        "prof",
        "gen",
        "col",
        "lt",
        "capt",
        "sgt",
        "rev",
        "fr",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "c",
        "ca",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "mt",
        "mts",
        "ft",
        "inc",
        "ltd",
        "co",
        "corp",
        "vol",
        "al",
        "ed",
        "gov",
        "sen",
        "pres",
        "adm",
        "maj",
        "hon",
        "ave",
        "dept",
        "univ",
        "op",
    ]
)


def sentences(text: str) -> list[str]:
    """The sentences of a passage (split after ., ! or ? before a capital, digit or quote, but not after an
    initial or a common abbreviation), whitespace tidied."""
    text = " ".join(text.split())
    found, start = [], 0
    for gap in _SENTENCE_END.finditer(text):
        before = text[start : gap.start()].rsplit(" ", 1)[-1].rstrip(".!?").casefold()
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
            continue  # "Mr. Lincoln", "J. R. R. Tolkien": no sentence ends here
        found.append(text[start : gap.start()])
        start = gap.end()
    found.append(text[start:])
    return [sentence for sentence in found if sentence]


def best_sentence(words: set[str], passage: Passage) -> tuple[str, float]:
    """The passage's sentence that shares the largest share of the question's content words ``words`` (its
    document title's words count as the sentence's), and that share; the first of equals wins."""
    title = content_words(passage.title or "")
    best, share = "", 0.0
    for sentence in sentences(passage.text):
        found = (content_words(sentence) | title) & words
        if len(found) / max(len(words), 1) > share:
            best, share = sentence, len(found) / len(words)
    return best, share


def rerank_by_sentence(question: str, passages: Sequence[Passage], *, weight: float) -> list[Passage]:
    """The passages with each document's scores handed out again by ``score + weight * share``, where share is the
    share of the question's content words the passage's best sentence holds (the title counted in), best first:
    of two passages of one article, the one with the sentence that answers comes first, not the one that merely
    shares the article's vocabulary. Documents keep the scores they had, so the order between documents stays
    the ranking's."""
    words = content_words(question)
    if not words or weight == 0:
        return list(passages)
    by_document: dict[str, list[Passage]] = {}
    for passage in passages:
        by_document.setdefault(passage.document_id, []).append(passage)
    rescored: list[Passage] = []
    for group in by_document.values():
        scores = sorted((p.score for p in group), reverse=True)
        order = sorted(group, key=lambda p: (-(p.score + weight * best_sentence(words, p)[1]), p.chunk_id))
        rescored += [p.model_copy(update={"score": score}) for p, score in zip(order, scores, strict=True)]
    return sorted(rescored, key=lambda p: (-p.score, p.chunk_id))
