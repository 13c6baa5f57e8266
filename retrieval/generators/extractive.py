"""The extractive generator: no language model, it quotes the best-supported fact (or chain of two facts) or
sentence of the context, with its citations, and says "not in the graph" when nothing covers the question.

Support is coverage: the share of the question's content words that the answer's evidence accounts for (the
predicate's words and the question entity's name for a fact; the sentence's words for a sentence). A fact must
touch a question entity (a chain: its first fact does); a sentence must name one, when the question names any.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from retrieval.generators.base import NOT_IN_GRAPH, Generation
from retrieval.ranking import content_words
from retrieval.types import Context, Fact, LinkedEntity

__all__ = ["ExtractiveGenerator", "expected_types"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CHAIN_DISCOUNT = 0.9
_MISMATCH_DISCOUNT = 0.5
_EXPECTED: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("what", "year"), frozenset({"Date"})),
    (("which", "year"), frozenset({"Date"})),
    (("how", "many"), frozenset({"Quantity"})),
    (("how", "much"), frozenset({"Quantity"})),
    (("when",), frozenset({"Date"})),
    (("where",), frozenset({"Location", "Facility", "Organization"})),
    (("who",), frozenset({"Person", "Organization", "Group"})),
    (("whom",), frozenset({"Person", "Organization", "Group"})),
)
_QUESTION_WORD = re.compile(r"[a-z]+")


def expected_types(question: str) -> frozenset[str] | None:
    """The entity types a wh-question asks for ("where" -> places, "when" -> dates), None when it does not say."""
    words = _QUESTION_WORD.findall(question.lower())
    pairs = set(pairwise(words))
    for cue, types in _EXPECTED:
        if (len(cue) == 2 and cue in pairs) or (len(cue) == 1 and cue[0] in words):
            return types
    return None


def _fit(answer_type: str | None, expected: frozenset[str] | None) -> float:
    if expected is None or answer_type is None or answer_type in expected:
        return 1.0
    return _MISMATCH_DISCOUNT


@dataclass(frozen=True)
class _Option:
    score: float
    text: str
    citations: tuple[int, ...]
    facts: tuple[Fact, ...] = ()


def _fact_words(fact: Fact) -> set[str]:
    return content_words(fact.predicate.replace("_", " "))


def _marks(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


class ExtractiveGenerator:
    """Answers with a fact, a two-fact chain or a sentence of the context: whichever covers the question best."""

    name = "extractive"

    def __init__(self, *, threshold: float = 0.6) -> None:
        self.threshold = threshold

    def generate(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation:
        """The best-supported answer above the threshold, else :data:`NOT_IN_GRAPH`."""
        words = content_words(question)
        if not words:
            return Generation(text=NOT_IN_GRAPH, answerable=False)
        options = [
            *self._facts(words, context, entities),
            *self._chains(words, context, entities),
            *self._sentences(words, context, entities),
        ]
        best = max(options, key=lambda o: o.score, default=None)  # first of equals wins: facts, chains, sentences
        if best is None or best.score < self.threshold:
            return Generation(text=NOT_IN_GRAPH, answerable=False, score=best.score if best else 0.0)
        return Generation(
            text=best.text,
            answerable=True,
            citations=list(best.citations),
            facts=list(best.facts),
            score=round(best.score, 6),
        )

    def _numbers(self, fact: Fact, context: Context) -> tuple[int, ...]:
        found = (context.number_of(e.chunk_id) for e in fact.evidence)
        return tuple(sorted({n for n in found if n is not None}))

    def _facts(self, words: set[str], context: Context, entities: Sequence[LinkedEntity]) -> list[_Option]:
        expected = expected_types(context.question)
        options = []
        for entity in entities:
            for fact in context.facts:
                if entity.id not in (fact.subject_id, fact.object_id):
                    continue
                forward = fact.subject_id == entity.id
                answer = fact.object if forward else fact.subject
                fit = _fit(fact.object_type if forward else fact.subject_type, expected)
                covered = words & (_fact_words(fact) | content_words(entity.name) | content_words(entity.mention))
                if not (words & _fact_words(fact)) or content_words(answer) <= words:
                    continue  # the predicate must be asked about, and the answer must be news
                numbers = self._numbers(fact, context)
                text = f"{answer}. {fact.triple} {_marks(numbers)}".rstrip()
                options.append(_Option(len(covered) / len(words) * entity.score * fit, text, numbers, (fact,)))
        return options

    def _chains(self, words: set[str], context: Context, entities: Sequence[LinkedEntity]) -> list[_Option]:
        expected = expected_types(context.question)
        options = []
        for entity in entities:
            for first in context.facts:
                if entity.id not in (first.subject_id, first.object_id):
                    continue
                bridge = first.object_id if first.subject_id == entity.id else first.subject_id
                for second in context.facts:
                    if second is first or bridge not in (second.subject_id, second.object_id):
                        continue
                    if entity.id in (second.subject_id, second.object_id):
                        continue
                    forward = second.subject_id == bridge
                    answer = second.object if forward else second.subject
                    fit = _fit(second.object_type if forward else second.subject_type, expected)
                    asked = words & (_fact_words(first) | _fact_words(second))
                    covered = asked | (words & (content_words(entity.name) | content_words(entity.mention)))
                    if not (words & _fact_words(second)) or content_words(answer) <= words:
                        continue
                    numbers = tuple(sorted(set(self._numbers(first, context)) | set(self._numbers(second, context))))
                    text = f"{answer}. {first.triple}; {second.triple} {_marks(numbers)}".rstrip()
                    score = len(covered) / len(words) * entity.score * _CHAIN_DISCOUNT * fit
                    options.append(_Option(score, text, numbers, (first, second)))
        return options

    def _sentences(self, words: set[str], context: Context, entities: Sequence[LinkedEntity]) -> list[_Option]:
        names = [content_words(e.name) for e in entities]
        options = []
        for passage in context.passages:
            number = context.number_of(passage.chunk_id)
            numbers = (number,) if number is not None else ()
            for sentence in _SENTENCE_END.split(" ".join(passage.text.split())):
                found = content_words(sentence)
                if names and not any(name and name <= found for name in names):
                    continue
                covered = words & found
                if not covered or found <= words:
                    continue  # a sentence that only repeats the question answers nothing
                text = f'"{sentence.strip()}" {_marks(numbers)}'.rstrip()
                options.append(_Option(len(covered) / len(words), text, numbers))
        return options
