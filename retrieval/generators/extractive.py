"""The extractive generator: no language model. It answers with a short span (a name, place, date, number), the
sentence it comes from and its citation, or with the other end of a graph fact (or chain of two facts) that the
question asks about; and it says "not in the graph" when nothing clears its threshold.

Facts: a fact must touch a question entity and carry a predicate the question asks about; it scores the share of
the question's content words its predicate and entity account for. Sentences (:mod:`retrieval.generators.spans`):
the spans of the sentences that match the question, typed by what the question asks for (:mod:`answer_types`).
A question whose proper names the context does not hold at all is about something the graph does not know: it is
not answered from whatever else the context holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from trellis.kg.ingest.extraction import load_pipeline
from trellis.kg.ingest.extraction.spacy_extractor import DEFAULT_PIPELINE
from trellis.retrieval.generators.answer_types import NAME, expected_types, short_forms, subject_names
from trellis.retrieval.generators.base import NOT_IN_GRAPH, Generation
from trellis.retrieval.generators.candidates import Candidate
from trellis.retrieval.generators.comparison import compare
from trellis.retrieval.generators.slots import with_slots
from trellis.retrieval.generators.span_ranker import SpanRanker
from trellis.retrieval.generators.spans import (
    Embed,
    SentenceMatch,
    Span,
    best_spans,
    candidates,
    matching_sentences,
    name_held,
    setting_of,
)
from trellis.retrieval.pages import plain_title
from trellis.retrieval.ranking import content_words, words
from trellis.retrieval.types import Context, Fact, LinkedEntity

__all__ = ["ExtractiveGenerator", "expected_types"]

_MOUNT = re.compile(r"\bMt\.?\s")
""""Mt. Pelion" is the question's "Mount Pelion"."""
_CHAIN_DISCOUNT = 0.9
_HALFWAY = 0.5
_LONG_WORD = 4
"""The discount of a fact's answer when a chain of facts goes on from it (the capital, when a river is asked)."""
_MISMATCH_DISCOUNT = 0.5
_NAME_MIX_UP = 0.8


def _fit(answer_type: str | None, expected: frozenset[str] | None) -> float:
    """How well a fact's answer type fits what the question asks for: names of another kind fit nearly (the NER
    model types many places as people or organisations), a name for a date or a number does not."""
    if expected is None or answer_type is None or answer_type in expected:
        return 1.0
    if answer_type in NAME and expected & NAME:
        return _NAME_MIX_UP
    return _MISMATCH_DISCOUNT


@dataclass(frozen=True)
class _Option:
    score: float
    text: str
    citations: tuple[int, ...]
    facts: tuple[Fact, ...] = ()
    span: str | None = None

    @property
    def ends(self) -> tuple[str, ...]:
        """Both ends of the option's first fact (a chain's first hop: its subject and its bridge)."""
        return (self.facts[0].subject, self.facts[0].object) if self.facts else ()


def _fact_words(fact: Fact) -> set[str]:
    return content_words(fact.predicate.replace("_", " "))


def _marks(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


class ExtractiveGenerator:
    """Answers with a short span of a sentence, a fact or a two-fact chain: whichever answers the question best."""

    name = "extractive"

    def __init__(
        self,
        *,
        threshold: float = 0.36,
        names_share: float = 0.5,
        context_names_share: float = 0.6,
        fact_weight: float = 0.8,
        nlp: Language | None = None,
        spacy_model: str = DEFAULT_PIPELINE,
        embed: Embed | None = None,
        ranker: SpanRanker | None = None,
        read_slots: bool = True,
    ) -> None:
        self.threshold = threshold
        self.names_share = names_share
        self.context_names_share = context_names_share
        self.fact_weight = fact_weight
        self.embed = embed
        self.ranker = ranker
        """Which sentence candidate is the answer (None: the shipped, dev-fitted one)."""
        self.read_slots = read_slots
        """Whether candidates are read in their slot (:mod:`~retrieval.generators.slots`, with ``embed``): it only
        ranks them, so a generator asked for its support alone (the gate's) need not pay for it."""
        self._nlp = nlp
        self.spacy_model = spacy_model

    @cached_property
    def nlp(self) -> Language:
        """The spaCy pipeline that finds candidate spans (the one ingestion uses, loaded once per process)."""
        return self._nlp or load_pipeline(self.spacy_model)

    def generate(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation:
        """The best-supported answer above the threshold, else :data:`NOT_IN_GRAPH`."""
        asked = content_words(question)
        if not asked or not self._knows_names(question, context):
            return Generation(text=NOT_IN_GRAPH, answerable=False)
        chains = self._chains(asked, context, entities)
        bridges = [chain.facts[0] for chain in chains]
        bridged = {end for chain in chains for end in chain.ends}
        facts = [  # a fact that a chain goes on from answers only its first hop
            replace(o, score=o.score * _HALFWAY) if o.facts[0] in bridges else o
            for o in self._facts(asked, context, entities)
        ]
        facts += chains
        options = [*_compared(question, context), *facts, *self._spans(question, context, bridged)]
        best = max(options, key=lambda o: o.score, default=None)  # first of equals wins: facts, chains, spans
        if best is None or best.score < self.threshold:
            return Generation(text=NOT_IN_GRAPH, answerable=False, score=best.score if best else 0.0)
        best = _with_agreeing_facts(best, facts)
        return Generation(
            text=best.text,
            answerable=True,
            span=best.span,
            citations=list(best.citations),
            facts=list(best.facts),
            score=round(best.score, 6),
        )

    def _knows_names(self, question: str, context: Context) -> bool:
        """Whether the context holds at least ``context_names_share`` of the question's names and numbers
        (:func:`~retrieval.generators.answer_types.subject_names`; in text, titles or facts): a question about something
        the graph has never heard of is not answered from whatever else it holds. A short form is held by the words
        it stands for ("US" by "United States"). A question typed all in lower case hides its names: each of its
        longer content words must then be held."""
        held = " ".join(
            [
                *(f"{p.title or ''}. {p.text}" for p in context.passages),
                *(f"{f.subject} {f.object}" for f in context.facts),
            ]
        )
        held = setting_of(_MOUNT.sub("Mount ", held), short=short_forms(question))
        names, share = subject_names(question, self.nlp), self.context_names_share
        if not names and question == question.lower():
            names, share = [w for w in words(question) if len(w) >= _LONG_WORD and w not in STOP_WORDS], 1.0
        if not names:
            return True
        found = sum(name_held(name, held) for name in names)
        return found / len(names) >= share

    def _spans(self, question: str, context: Context, bridged: set[str]) -> list[_Option]:
        """The ranker's choice among the candidates of the matching sentences, with the best support among them
        (how surely the sentences answer at all)."""
        matches = matching_sentences(question, context, embed=self.embed)
        if not matches:
            return []
        found = self._candidates(question, matches, context, bridged)
        spans = best_spans(found, self.ranker)
        if not spans:
            return []
        return [_span_option(replace(spans[0], score=max(span.score for span in spans)))]

    def sentence_candidates(
        self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()
    ) -> list[tuple[Candidate, SentenceMatch]]:
        """Every candidate answer of the sentences, as :meth:`generate` judges them (to fit the ranker)."""
        bridged = {end for chain in self._chains(content_words(question), context, entities) for end in chain.ends}
        matches = matching_sentences(question, context, embed=self.embed)
        return self._candidates(question, matches, context, bridged)

    def _candidates(
        self, question: str, matches: list[SentenceMatch], context: Context, bridged: set[str]
    ) -> list[tuple[Candidate, SentenceMatch]]:
        found = candidates(question, matches, self.nlp, **self._judged(question, context, bridged))
        if self.embed is None or not self.read_slots:
            return found
        return with_slots(question, found, embed=self.embed)

    def _judged(self, question: str, context: Context, bridged: set[str]) -> dict[str, Any]:
        """What candidates are judged against: the type asked for and the context's document titles and graph
        chains' middle entities (``bridged``), which are the question's subjects and bridges, not its answer."""
        pages = [*(plain_title(p.title) for p in context.passages), *sorted(bridged)]
        return {"expected": expected_types(question), "pages": pages, "names_share": self.names_share}

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
                score = len(covered) / len(words) * entity.score * fit * self.fact_weight
                options.append(_Option(score, text, numbers, (fact,), span=answer))
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
                    options.append(_Option(score, text, numbers, (first, second), span=answer))
        return options


def _span_option(span: Span) -> _Option:
    """The answer a span makes: the span, its sentence and its citation (with the sentence that led there)."""
    sentence = span.sentence
    numbers = (sentence.number,) if sentence.via is None else (sentence.via[1], sentence.number)
    quote = f'"{sentence.text}" [{sentence.number}]'
    if sentence.via is not None:
        quote = f'"{sentence.via[0]}" [{sentence.via[1]}] {quote}'
    return _Option(span.score, f"{span.text}. {quote}", tuple(sorted(set(numbers))), span=span.text)


def _compared(question: str, context: Context) -> list[_Option]:
    """The answer to a comparison question (:mod:`retrieval.generators.comparison`), when the context decides it."""
    found = compare(question, context)
    if found is None:
        return []
    (first, one), (second, other) = found.evidence
    text = f'{found.answer}. "{first}" [{one}] "{second}" [{other}]'
    return [_Option(found.score, text, tuple(sorted({one, other})), span=found.answer)]


def _with_agreeing_facts(best: _Option, facts: Sequence[_Option]) -> _Option:
    """A span answer with the graph facts that give the same answer (their relations and citations added)."""
    if best.facts or best.span is None:
        return best
    agreeing = [o for o in facts if o.span is not None and o.span.casefold() == best.span.casefold()]
    if not agreeing:
        return best
    used: list[Fact] = []
    for fact in (f for o in agreeing for f in o.facts):
        if fact not in used:
            used.append(fact)
    numbers = tuple(sorted({*best.citations, *(n for o in agreeing for n in o.citations)}))
    return _Option(best.score, best.text, numbers, tuple(used), best.span)
