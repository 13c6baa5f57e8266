"""Short answers from the context's sentences: the candidate spans of the sentences that match the question.

A sentence matches by the share of the question's content words it holds, counting in its document's title (a
sentence of the Andorra article need not say "Andorra": "The official language is Catalan") and, for a passage
of an article another passage leads to, that other passage's sentence naming the article ("In some versions, the
god Apollo guided Paris' arrow" leads to Apollo's article, whose "Apollo was born on the island of Delos" then
answers "On which island was the god born who guided the arrow that killed Achilles?"). The candidates of the
best sentences (:mod:`retrieval.generators.candidates`) are ranked by the fitted
:class:`~retrieval.generators.span_ranker.SpanRanker`; the best support among them says how surely the context
answers at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, replace

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from trellis.retrieval.generators.answer_types import NAME_JOINS, initialisms, short_forms, subject_names, undotted
from trellis.retrieval.generators.antecedents import antecedents, personal_subject
from trellis.retrieval.generators.candidates import (
    Candidate,
    Sentence,
    asked_of,
    candidates_of,
    positions,
    without_determiner,
)
from trellis.retrieval.generators.span_ranker import SpanRanker, default_ranker
from trellis.retrieval.pages import plain_title
from trellis.retrieval.ranking import content_words
from trellis.retrieval.ranking import words as all_words
from trellis.retrieval.sentences import sentences
from trellis.retrieval.types import Context, Passage

__all__ = [
    "Embed",
    "SentenceMatch",
    "Span",
    "best_spans",
    "candidates",
    "matching_sentences",
    "name_held",
    "read_in_setting",
    "setting_of",
    "without_determiner",
]

Embed = Callable[[Sequence[str]], np.ndarray]
_JOINED = re.compile(rf"\s(?:(?:{'|'.join(sorted(NAME_JOINS))})\s)+")
_LED = 0.9
"""The discount of a sentence's match that counts the words of the sentence leading to its article: of two
readings that cover the question alike, the one sentence is the surer."""
_Leads = dict[str, tuple[str, int, set[str], str]]
"""Each document's leading sentence, its passage's number, its content words and its title (see :func:`_leads_to`)."""


@dataclass(frozen=True)
class SentenceMatch:
    """A context sentence and how well it matches the question, with the passage it is in and, when the passage
    was reached from another, the sentence that led to it."""

    text: str
    words: float
    """The share of the question's content words it holds (with its title, or the sentence leading to it)."""
    number: int
    passage: Passage
    via: tuple[str, int] | None = None
    lead_title: str = ""
    """The title of the passage that led here (with ``via``)."""
    meaning: float | None = None
    """The cosine of the question with the sentence read in its setting (None: not matched by meaning)."""
    leads_to: tuple[str, ...] = ()
    """The titles of the context's documents this sentence leads to (it names them, and their sentences are read
    through it): what it names there is the bridge to the answer."""

    @property
    def match(self) -> float:
        """How well it matches (0..1): the mean of its word share and its meaning's cosine."""
        return self.words if self.meaning is None else (self.words + max(self.meaning, 0.0)) / 2


@dataclass(frozen=True)
class Span:
    """A candidate answer: its text, its type (None for a noun chunk), its support, its rank score, the sentence it
    comes from and where it starts there."""

    text: str
    type: str | None
    score: float
    sentence: SentenceMatch
    rank: float = 0.0
    """The :class:`SpanRanker`'s score: which candidate is the answer."""
    start: int = 0
    """Where it starts in its sentence (characters)."""


def _leads_to(context: Context, question: str, asked: set[str]) -> _Leads:
    """For each passage's document, the sentence of another document's passage that names its title (of such,
    the one holding most of the question's content words ``asked``, then the first by citation number), that
    passage's number, the sentence's content words with its title's, and that title (the sentence's subject,
    which it may call by a short name: "Vance" in *Marlow Vance*). A document whose title the question says has
    no lead: the question is about it, not about what another article's sentence leads to ("Angola's Chinese
    community" is read in *Angola*'s own sentences, not through another article's sentence naming Angola)."""
    titles = {p.document_id: plain_title(p.title).casefold() for p in context.passages if plain_title(p.title)}
    said = _padded(question)
    named = {document for document, title in titles.items() if _padded(title) in said}
    found: _Leads = {}
    for passage in context.passages:
        number = context.number_of(passage.chunk_id)
        if number is None:
            continue
        for sentence in sentences(passage.text):
            folded = sentence.casefold()
            for document, title in titles.items():
                if document == passage.document_id or document in named or not _names(folded, title):
                    continue  # an article the question names is read on its own, not through another's sentence
                lead_title = plain_title(passage.title)
                held = content_words(f"{lead_title} {sentence}")
                if document not in found or len(held & asked) > len(found[document][2] & asked):
                    found[document] = (sentence, number, held, lead_title)
    return found


def _names(folded_text: str, title: str) -> bool:
    """Whether a (case-folded) sentence names a title: the whole title, or its first word when that word is
    distinctive ("Afroasiatic" for *Afroasiatic languages*)."""
    if re.search(rf"\b{re.escape(title)}s?\b", folded_text):
        return True
    head = title.split(" ", 1)[0]
    return (
        " " in title
        and len(head) >= 5
        and head not in STOP_WORDS
        and re.search(rf"\b{re.escape(head)}\b", folded_text) is not None
    )


def matching_sentences(
    question: str, context: Context, *, embed: Embed | None = None, most: int = 16, pool: int = 24
) -> list[SentenceMatch]:
    """The ``most`` context sentences that best match ``question`` (see the module's docstring), best first.

    With ``embed``, the ``pool`` best by words are matched again by meaning: the match is the mean of the word
    share and the cosine of the question with the sentence read in its setting (its title, or the sentence that
    led to its passage, before it).
    """
    words = content_words(question)
    if not words:
        return []
    leads = _leads_to(context, question, words)
    matches, partial = _word_matches(context, words, leads=leads)
    matches = _with_targets(matches, context, leads=leads)
    matches.sort(key=lambda m: (-m.words * partial.get(m.text, 1.0), m.number))
    if embed is not None and matches:
        matches = _by_meaning(question, matches[:pool], embed=embed)
    matches = [_discounted(m, partial.get(m.text, 1.0)) for m in matches]
    matches.sort(key=lambda m: (-m.match, m.number))
    return matches[:most]


def _word_matches(context: Context, words: set[str], *, leads: _Leads) -> tuple[list[SentenceMatch], dict[str, float]]:
    """Every context sentence matched by the question's content ``words``, in context order, and the share of the
    question that each leading sentence which its article completes answers on its own."""
    matches: list[SentenceMatch] = []
    covered: dict[str, int] = {}  # sentence -> question words it holds with its title
    completed: dict[str, int] = {}  # leading sentence -> question words it holds together with its best follower
    for passage in context.passages:
        number = context.number_of(passage.chunk_id)
        if number is None:
            continue
        title = content_words(plain_title(passage.title))
        via = leads.get(passage.document_id)
        for sentence in sentences(passage.text):
            own = words & (content_words(sentence) | title)
            covered[sentence] = max(covered.get(sentence, 0), len(own))
            led = (words & via[2]) - own if via else set()
            match = (len(own) + len(led)) / len(words) * (_LED if led else 1.0)
            through = (via[0], via[1]) if led and via else None
            if via is not None:
                completed[via[0]] = max(completed.get(via[0], 0), len(own | (words & via[2])))
            lead_title = via[3] if through and via else ""
            matches.append(SentenceMatch(sentence, match, number, passage, through, lead_title))
    # A sentence that leads to an article which completes it answers less of the question than the two together:
    # its own candidates (the bridge and its siblings) give way to the article's, by words and by meaning alike.
    partial = {
        m.text: covered[m.text] / completed[m.text]
        for m in matches
        if m.via is None and completed.get(m.text, 0) > covered.get(m.text, 0) > 0
    }
    return matches, partial


def _with_targets(matches: list[SentenceMatch], context: Context, *, leads: _Leads) -> list[SentenceMatch]:
    """The matches, each with the titles of the context's documents it leads to."""
    targets: dict[str, list[str]] = {}
    titles = {p.document_id: plain_title(p.title) for p in context.passages}
    for document, (lead, *_rest) in leads.items():
        targets.setdefault(lead, []).append(titles.get(document, ""))
    return [replace(m, leads_to=tuple(targets.get(m.text, ()))) for m in matches]


def _by_meaning(question: str, matches: list[SentenceMatch], *, embed: Embed) -> list[SentenceMatch]:
    """The matches, each with the cosine of ``question`` with the sentence read in its setting."""
    vectors = embed([question, *(read_in_setting(m) for m in matches)])
    cosines = vectors[1:] @ vectors[0]
    return [replace(m, meaning=round(float(c), 6)) for m, c in zip(matches, cosines, strict=True)]


def read_in_setting(match: SentenceMatch, text: str | None = None) -> str:
    """The sentence (or ``text`` in its place) as it is matched by meaning: after the sentence that led to its
    passage, or its passage's title."""
    return f"{match.via[0] if match.via else plain_title(match.passage.title)}: {match.text if text is None else text}"


def _discounted(match: SentenceMatch, share: float) -> SentenceMatch:
    """A match with its word share and its meaning's cosine scaled by ``share``."""
    meaning = None if match.meaning is None else round(match.meaning * share, 6)
    return replace(match, words=round(match.words * share, 6), meaning=meaning)


def setting_of(text: str, *, short: Set[str] = frozenset()) -> str:
    """A text as :func:`name_held` reads it: its words joined by single spaces and padded with spaces, a dotted
    short form without its dots ("U.S." holds "US"), then those of the question's ``short`` forms that the text
    spells out (:func:`~retrieval.generators.answer_types.initialisms`: "United States" holds "US")."""
    spelt = sorted(initialisms(text) & short) if short else []  # most questions write no short form
    return f" {' '.join([*all_words(undotted(text)), *spelt])} "


def name_held(name: str, setting: str) -> float:
    """How much of a question's name a setting (its words joined by single spaces, padded with spaces) holds: 1.0
    for the whole name, else for a name joined over "of" ("President of Algeria") the share of its parts it holds
    (0.5 for "Bouteflika led Algeria", 1.0 for "the president Abdelaziz Bouteflika of Algeria")."""
    if _padded(name) in setting:
        return 1.0
    parts = [part for part in _JOINED.split(f" {name} ") if part.strip()]
    if len(parts) < 2:
        return 0.0
    return sum(_padded(part) in setting for part in parts) / len(parts)


def _padded(text: str) -> str:
    """A text's words, lower-cased, joined by single spaces and padded with spaces: one text holds another's words
    in order when it holds this as a substring."""
    return f" {' '.join(all_words(text))} "


def candidates(
    question: str,
    matches: Sequence[SentenceMatch],
    nlp: Language,
    *,
    expected: frozenset[str] | None,
    pages: Sequence[str] = (),
    names_share: float = 0.5,
) -> list[tuple[Candidate, SentenceMatch]]:
    """Every candidate answer of the matching sentences, with its sentence (see
    :func:`~retrieval.generators.candidates.candidates_of`).

    A sentence that, with its title and the sentence leading to it, holds less than ``names_share`` of the question's
    names and numbers (:func:`~retrieval.generators.answer_types.subject_names`) is about something else: its candidates
    have no support. One that holds none of the question's other content words (its predicate: "currency" in "What is
    the currency of Serbia?") says something else of it, and its candidates' support is discounted. A candidate that
    names one of ``pages`` (the titles of the context's documents) is the question's subject or the bridge to the
    answer, rarely the answer.
    """
    names, short = subject_names(question, nlp), short_forms(question)
    asked = asked_of(question, expected=expected, pages=pages)
    words = asked.words
    predicates = words - content_words(" ".join(names))  # "currency" in "What is the currency of Serbia?"
    found: list[tuple[Candidate, SentenceMatch]] = []
    docs = list(nlp.pipe(m.text for m in matches))
    before = [_before(m) if personal_subject(doc) is not None else None for m, doc in zip(matches, docs, strict=True)]
    people = antecedents(before, nlp)
    for rank, (match, doc) in enumerate(zip(matches, docs, strict=True)):
        lead = f"{match.lead_title} {match.via[0]}" if match.via else ""
        said = f"{plain_title(match.passage.title)}. {lead}. {people[rank] or ''}. {match.text}"
        setting = setting_of(said, short=short)  # with who its "he" or "she" is
        held = sum(name_held(name, setting) for name in names) / len(names) if names else 1.0
        sentence = Sentence(
            doc=doc,
            words=match.words,
            meaning=match.words if match.meaning is None else max(match.meaning, 0.0),
            rank=rank,
            led=match.via is not None,
            names_held=held,
            aside=bool(predicates) and not predicates & content_words(setting),
            anchors=positions(match.text, words),
            leads_to=[content_words(title) for title in match.leads_to if title],
            antecedent=people[rank],
        )
        unsupported = bool(names) and (held == 0 or (match.via is None and held < names_share))
        for candidate in candidates_of(sentence, asked):
            found.append((replace(candidate, support=0.0) if unsupported else candidate, match))
    return found


def _before(match: SentenceMatch) -> str | None:
    """The text of the sentence's passage before it (None when it opens the passage)."""
    at = _offset(match)
    return match.passage.text[:at] if at > 0 else None


def _written_at(span: Span) -> tuple[int, int]:
    """Where a candidate is written in its passage: its sentence's offset there, then its own in the sentence."""
    return _offset(span.sentence), span.start


def _offset(match: SentenceMatch) -> int:
    """Where the sentence begins in its passage (-1 when the passage does not hold it as written)."""
    return match.passage.text.find(match.text)


def best_spans(found: Sequence[tuple[Candidate, SentenceMatch]], ranker: SpanRanker | None = None) -> list[Span]:
    """The candidates (:func:`candidates`) that have support, the ranker's choice first; each distinct text once,
    at its best. Candidates whose sentence is not about what the question names have none and are left out."""
    ranker = ranker or default_ranker()
    best: dict[str, Span] = {}
    for candidate, match in found:
        if candidate.support <= 0:
            continue
        rank = ranker.score(candidate.features)
        span = Span(candidate.text, candidate.type, round(candidate.support, 6), match, rank, candidate.start)
        key = candidate.text.casefold()
        if key not in best or best[key].rank < span.rank:
            best[key] = span
    return sorted(best.values(), key=lambda s: (-s.rank, -s.score, s.sentence.number, _written_at(s), s.text))
