"""Comparison questions: "Who was born first, Ayn Rand or Aldous Huxley?", "Which has more residents, Alberta or
Alaska?". The answer is one of the two options the question names, chosen by a value the context gives for each:
a year (born, died, founded, first, earlier, later) or a number (more, larger, most populous).

For each option, the sentences of the context that name it (or that stand in its article, whose title names it)
and hold a value of the right kind are scored by the question's other words; the best one gives the option's
value. With a value for both options the direction word decides: first, earlier, before, older pick the smaller
year; later, last, younger the larger; more, larger, bigger, higher, longer the larger number. A lifespan
("February 2, 1905 - March 6, 1982") gives its first year for "born" and "older", its last for "died".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trellis.retrieval.generators.spans import without_determiner
from trellis.retrieval.pages import plain_title
from trellis.retrieval.ranking import content_words
from trellis.retrieval.sentences import sentences
from trellis.retrieval.types import Context

__all__ = ["Comparison", "compare", "options_of"]

_OPTIONS = re.compile(r"[,:]\s*(?:the\s+)?([^,:?]+?),?\s+or\s+(?:the\s+)?([^?]+?)\?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_LIFESPAN = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b[^()]{0,40}?[\u2013\u2014-][^()]{0,40}?\b(1[0-9]{3}|20[0-9]{2})\b")
_NUMBER = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|billion|thousand)?", re.IGNORECASE)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_SMALLER_YEAR = frozenset({"first", "earlier", "earliest", "before", "older", "oldest"})
_LARGER_YEAR = frozenset({"later", "last", "latest", "younger", "youngest", "after"})
_LARGER_NUMBER = frozenset({"more", "larger", "largest", "bigger", "biggest", "higher", "longer", "greater", "most"})
_SMALLER_NUMBER = frozenset({"fewer", "less", "smaller", "smallest", "lower", "shorter"})
_SYNONYMS = {"people": "population", "residents": "population", "inhabitants": "population", "populous": "population"}


@dataclass(frozen=True)
class Comparison:
    """The option chosen, the two sentences (with their citation numbers) that gave the values, and the score."""

    answer: str
    evidence: tuple[tuple[str, int], tuple[str, int]]
    score: float


def options_of(question: str) -> tuple[str, str] | None:
    """The two options of a comparison question ("..., X or Y?"), None when it is not one."""
    match = _OPTIONS.search(question)
    if match is None:
        return None
    first, second = (without_determiner(option) for option in match.groups())
    return (first, second) if first and second else None


def _key(option: str) -> set[str]:
    """The option's own words: its capitalised words when it has any ("Alberta as a Canadian province" ->
    {"alberta", "canadian"}), else all its content words; possessors dropped ("Orwell's Animal Farm")."""
    option = re.sub(r"^[\w.]+['\u2019]s\s+(?=[A-Z])", "", option)
    head = re.split(r"\s+(?:as|in|of|from|by)\s+", option, maxsplit=1)[0]
    capitals = [w for w in head.split() if w[:1].isupper()]
    return content_words(" ".join(capitals) or head)


def _value(sentence: str, *, years: bool, last: bool, anchors: set[str]) -> float | None:
    """The sentence's year or number nearest to a word of ``anchors`` (the question's other words), or its lifespan's
    first or ``last`` year."""
    if years and (span := _LIFESPAN.search(sentence)):
        return float(span.group(2) if last else span.group(1))
    if years:
        found = [(m.start(), float(m.group(1))) for m in _YEAR.finditer(sentence)]
    else:
        found = [
            (m.start(), float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1.0))
            for m in _NUMBER.finditer(sentence)
            if not _YEAR.fullmatch(m.group(1))
        ]
    if not found:
        return None
    marks = [m.start() for m in re.finditer(r"\w+", sentence) if content_words(m.group()) & anchors]
    if not marks:
        return found[-1][1] if last else found[0][1]
    return min(found, key=lambda item: min(abs(item[0] - mark) for mark in marks))[1]


def compare(question: str, context: Context) -> Comparison | None:
    """The option the context's values pick, None when the question is no comparison or a value is missing."""
    options = options_of(question)
    if options is None:
        return None
    asked = {_SYNONYMS.get(w, w) for w in re.findall(r"[a-z]+", question.lower())}
    if asked & (_SMALLER_NUMBER | _LARGER_NUMBER) and not asked & {"first", "earlier", "later", "older", "younger"}:
        years, larger = False, bool(asked & _LARGER_NUMBER)
    elif asked & (_SMALLER_YEAR | _LARGER_YEAR):
        years, larger = True, bool(asked & _LARGER_YEAR)
    else:
        return None
    last = "died" in asked or "death" in asked
    words = content_words(" ".join(sorted(asked))) - _key(options[0]) - _key(options[1])
    found: list[tuple[float, float, str, int]] = []
    for option in options:
        key = _key(option)
        best: tuple[float, float, str, int] | None = None
        for passage in context.passages:
            number = context.number_of(passage.chunk_id)
            title = content_words(plain_title(passage.title))
            for sentence in sentences(passage.text):
                own = content_words(sentence)
                if number is None or not key <= own | title:
                    continue
                value = _value(sentence, years=years, last=last, anchors=words)
                if value is None:
                    continue
                score = len(words & own) / max(len(words), 1) + (0.5 if key <= title else 0.0)
                if best is None or score > best[0]:
                    best = (score, value, sentence, number)
        if best is None:
            return None
        found.append(best)
    (score_a, value_a, sentence_a, number_a), (score_b, value_b, sentence_b, number_b) = found
    if value_a == value_b:
        return None
    first_wins = (value_a > value_b) == larger
    answer = options[0] if first_wins else options[1]
    score = min(1.0, 0.5 + (score_a + score_b) / 4)
    return Comparison(without_determiner(answer), ((sentence_a, number_a), (sentence_b, number_b)), score)
