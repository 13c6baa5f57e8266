"""Short answers from the context's sentences: the candidate spans of the sentences that match the question.

A sentence matches by the share of the question's content words it holds, counting in its document's title (a
sentence of the Andorra article need not say "Andorra": "The official language is Catalan") and, for a passage
of an article another passage leads to, that other passage's sentence naming the article ("In some versions, the
god Apollo guided Paris' arrow" leads to Apollo's article, whose "Apollo was born on the island of Delos" then
answers "On which island was the god born who guided the arrow that killed Achilles?"). The named entities of
the best sentences (spaCy), and for questions that do not say what they ask for their noun chunks too, are the
candidates: scored by the sentence's match, whether their type is the one asked for, and how near they stand to
the question's words; a candidate that only repeats the question is no answer.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from spacy.lang.en.lex_attrs import like_num
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.ingest.extraction.labels import entity_type
from retrieval.generators.answer_types import NAME_JOINS, asked_noun, counted_unit, named_terms
from retrieval.pages import plain_title
from retrieval.ranking import content_words
from retrieval.ranking import words as all_words
from retrieval.sentences import sentences
from retrieval.types import Context, Passage

__all__ = ["Embed", "SentenceMatch", "Span", "best_spans", "matching_sentences", "name_held", "without_determiner"]

Embed = Callable[[Sequence[str]], np.ndarray]
_WORD = re.compile(r"\w+", re.UNICODE)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_JOINED = re.compile(rf"\s(?:(?:{'|'.join(sorted(NAME_JOINS))})\s)+")
_YEAR = re.compile(r"\d{3,4}s?")
_DURATIONS = frozenset(["year", "month", "week", "day", "hour", "minute", "second", "decade", "century"])
_MONTHS = frozenset(calendar.month_name[1:])
_ASIDE = 0.7
"""The fit of a candidate whose sentence holds none of the question's words but its names."""
_ECHO = 0.5
"""How much a candidate loses for each share of its words that the question already says."""
_LED = 0.9
"""The discount of a sentence's match that counts the words of the sentence leading to its article: of two
readings that cover the question alike, the one sentence is the surer."""
_UNTYPED_CHUNK = 0.7
"""The fit of a noun chunk when the question does not say what it asks for (a named entity fits 1.0)."""
_UNCOUNTED = 0.6
"""The fit of a number that does not count what a "how many X" question asks about."""
_UNASKED_COUNT = 0.5
"""The fit of a number when the question does not say what it asks for: it seldom wants a count."""
_CARRIES = 1.15
"""The fit of a candidate that carries the noun a "which X" question asks for ("Puerto Rico Trench" for "which
trench"): surer than any name of the right type."""
_OFF_TYPE = 0.25
"""The fit of a candidate whose type is not the one asked for."""
_NAMES = frozenset({"Person", "Organization", "Location", "Facility", "Group", "Work", "Event", "Product", "Thing"})
_NEARNESS = 0.3
"""How much of a candidate's score depends on how near it stands to the question's words in its sentence."""
_A_PAGE = 0.5
"""The fit of a candidate that names a document of the context (see :func:`best_spans`)."""
_NAME_MIX_UP = 0.6
"""The fit of a name of another kind than the one asked for: the small NER model often calls a city a person or
an organisation, but never a year a name."""
_PRONOUNS = frozenset(
    [
        "it",
        "he",
        "she",
        "they",
        "them",
        "this",
        "that",
        "these",
        "those",
        "who",
        "which",
        "what",
        "his",
        "her",
        "its",
        "their",
    ]
)


@dataclass(frozen=True)
class SentenceMatch:
    """A context sentence and how well it matches the question (0..1), with the passage it is in and, when the
    passage was reached from another, the sentence that led to it."""

    text: str
    match: float
    number: int
    passage: Passage
    via: tuple[str, int] | None = None
    lead_title: str = ""
    """The title of the passage that led here (with ``via``)."""


@dataclass(frozen=True)
class Span:
    """A candidate answer: its text, its type (None for a noun chunk), its score and the sentence it comes from."""

    text: str
    type: str | None
    score: float
    sentence: SentenceMatch


def _leads_to(context: Context) -> dict[str, tuple[str, int, set[str], str]]:
    """For each passage's document, the sentence of another document's passage that names its title (the first
    such, by citation number), that passage's number, the sentence's content words with its title's, and that
    title (the sentence's subject, which it may call by a short name: "Vance" in *Marlow Vance*)."""
    titles = {p.document_id: plain_title(p.title).casefold() for p in context.passages if plain_title(p.title)}
    found: dict[str, tuple[str, int, set[str], str]] = {}
    for passage in context.passages:
        number = context.number_of(passage.chunk_id)
        if number is None:
            continue
        for sentence in sentences(passage.text):
            folded = sentence.casefold()
            for document, title in titles.items():
                if document != passage.document_id and document not in found and _names(folded, title):
                    lead_title = plain_title(passage.title)
                    found[document] = (sentence, number, content_words(f"{lead_title} {sentence}"), lead_title)
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
    question: str, context: Context, *, embed: Embed | None = None, most: int = 8, pool: int = 24
) -> list[SentenceMatch]:
    """The ``most`` context sentences that best match ``question`` (see the module's docstring), best first.

    With ``embed``, the ``pool`` best by words are matched again by meaning: the match is the mean of the word
    share and the cosine of the question with the sentence read in its setting (its title, or the sentence that
    led to its passage, before it).
    """
    words = content_words(question)
    if not words:
        return []
    leads = _leads_to(context)
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
    matches.sort(key=lambda m: (-m.match * partial.get(m.text, 1.0), m.number))
    if embed is not None and matches:
        matches = matches[:pool]
        settings = [f"{m.via[0] if m.via else plain_title(m.passage.title)}: {m.text}" for m in matches]
        vectors = embed([question, *settings])
        cosines = vectors[1:] @ vectors[0]
        matches = [
            replace(m, match=round((m.match + max(float(c), 0.0)) / 2, 6))
            for m, c in zip(matches, cosines, strict=True)
        ]
    matches = [replace(m, match=round(m.match * partial.get(m.text, 1.0), 6)) for m in matches]
    matches.sort(key=lambda m: (-m.match, m.number))
    return matches[:most]


def name_held(name: str, setting: str) -> float:
    """How much of a question's name a setting (its words joined by single spaces, padded with spaces) holds: 1.0
    for the whole name, else for a name joined over "of" ("President of Algeria") the share of its parts it holds
    (0.5 for "Bouteflika led Algeria", 1.0 for "the president Abdelaziz Bouteflika of Algeria")."""
    if f" {' '.join(all_words(name))} " in setting:
        return 1.0
    parts = [part for part in _JOINED.split(f" {name} ") if part.strip()]
    if len(parts) < 2:
        return 0.0
    return sum(f" {' '.join(all_words(part))} " in setting for part in parts) / len(parts)


def _positions(sentence: str, words: set[str]) -> list[int]:
    """Character offsets of the sentence's words that are the question's content words."""
    return [m.start() for m in _WORD.finditer(sentence) if content_words(m.group()) & words]


def best_spans(
    question: str,
    matches: Sequence[SentenceMatch],
    nlp: Language,
    *,
    expected: frozenset[str] | None,
    pages: Sequence[str] = (),
    names_share: float = 0.5,
) -> list[Span]:
    """The candidate answers of the matching sentences, best first; each distinct text once, at its best.

    A sentence that, with its title and the sentence leading to it, holds less than ``names_share`` of the
    question's names and numbers is about something else and gives no candidate; one that holds none of the
    question's other content words (its predicate: "currency" in "What is the currency of Serbia?") says
    something else of it, and its candidates are discounted. A
    candidate that names one of
    ``pages`` (the titles of the context's documents) is discounted: an entity with
    its own article in the context is the question's subject or the bridge to the answer, rarely the answer. A
    number followed by a word the question uses keeps that word ("ten times" for "how many times").
    """
    words = content_words(question)
    titled = [content_words(page) for page in pages if page]
    names = named_terms(question)
    predicates = words - content_words(" ".join(named_terms(question)))
    kind_word = content_words(asked_noun(question) or "")
    unit = content_words(" ".join(counted_unit(question)))
    best: dict[str, Span] = {}
    for match, doc in zip(matches, nlp.pipe(m.text for m in matches), strict=True):
        lead = f"{match.lead_title} {match.via[0]}" if match.via else ""
        setting = f" {' '.join(all_words(f'{plain_title(match.passage.title)} {lead} {match.text}'))} "
        held = sum(name_held(name, setting) for name in names)
        if names and (held == 0 or (match.via is None and held / len(names) < names_share)):
            continue  # the sentence is not about what the question names
        aside = _ASIDE if predicates and not predicates & content_words(setting) else 1.0
        anchors = _positions(match.text, words)
        found = [(_with_unit(ent, words), ent, _kind(ent)) for ent in doc.ents]
        found += [(run.text, run, "Thing") for run in _proper_nouns(doc)]
        found += [(_with_unit(number, words), number, "Quantity") for number in _numbers(doc)]
        if expected is None:
            found += [(chunk.text, chunk, None) for chunk in doc.noun_chunks]
        for text, span, kind in found:
            text = without_determiner(text.strip(" ,;:.\"'"))
            own = _own_words(text)
            if not own or own <= words or text.casefold() in _PRONOUNS:
                continue  # an answer says something the question does not
            if kind_word and kind_word <= own | _beside(span):
                fit = _CARRIES  # "Chiron the Centaur", "capital Edmonton", whatever the NER model calls them
            elif expected is None:
                fit = {None: _UNTYPED_CHUNK, "Quantity": _UNASKED_COUNT}.get(kind, 1.0)
            elif kind in expected:
                fit = 1.0
            else:
                fit = _NAME_MIX_UP if kind in _NAMES and expected & _NAMES else _OFF_TYPE
            if unit and kind == "Quantity":  # "nine olfactory bulbs" for "how many olfactory bulbs"
                fit *= _CARRIES if unit & _counted(span) else _UNCOUNTED
            if any(title and (own <= title or title <= own) for title in titled):
                fit *= _A_PAGE
            echo = (content_words(span.text) & words) - kind_word  # "age of thirty-seven" for "what age"
            fit *= 1 - _ECHO * len(echo) / len(own)
            distance = min((abs(span.start_char - a) for a in anchors), default=200)
            score = match.match * fit * aside * (1 - _NEARNESS + _NEARNESS / (1 + distance / 40))
            key = text.casefold()
            if key not in best or best[key].score < score:
                best[key] = Span(text, kind, round(score, 6), match)
    return sorted(best.values(), key=lambda s: (-s.score, s.sentence.number, s.text))


def _kind(entity: SpacySpan) -> str | None:
    """An entity's type as an answer: its label's, but a span of time that counts and names no point in time
    ("seven different years", "the next twenty-seven years", not "1833", "the third century" or "130 million
    years ago") is a count, not a date."""
    kind = entity_type(entity.label_)
    if kind != "Date" or any(t.lower_ == "ago" or _YEAR.fullmatch(t.text) or t.text in _MONTHS for t in entity):
        return kind
    counts = any(t.like_num and t.pos_ == "NUM" for t in entity)
    return "Quantity" if counts and any(t.lemma_.lower() in _DURATIONS for t in entity) else kind


def _beside(span: SpacySpan) -> set[str]:
    """The content words of the three tokens either side of a span (its apposition: "Angola's capital, Luanda,")."""
    doc = span.doc
    return content_words(f"{doc[max(span.start - 3, 0) : span.start].text} {doc[span.end : span.end + 3].text}")


def _counted(span: SpacySpan) -> set[str]:
    """The words a number counts: its own and the three that follow it ("nine olfactory bulbs")."""
    following = span.doc[span.end : span.end + 3]
    return content_words(f"{span.text} {following.text}")


def _numbers(doc: Doc) -> list[SpacySpan]:
    """Runs of number words that are no named entity of their own (the small model misses "130 million" in "130
    million years ago")."""
    return _runs(doc, lambda token: token.like_num and token.pos_ == "NUM")


def _own_words(text: str) -> set[str]:
    """The words a candidate says: its content words and its numbers ("nine" is a stop word to spaCy)."""
    return content_words(text) | {word for word in all_words(text) if like_num(word)}


def _with_unit(entity: SpacySpan, words: set[str]) -> str:
    """A number with the next word when the question uses it ("ten" + "times"), else the number's text."""
    if (entity.label_ in ("CARDINAL", "QUANTITY") or not entity.label_) and entity.end < len(entity.doc):
        following = entity.doc[entity.end]
        if content_words(following.text) & words:
            return f"{entity.text} {following.text}"
    return entity.text


def _proper_nouns(doc: Doc) -> list[SpacySpan]:
    """Runs of proper nouns that are no named entity of their own (the small model misses "Stagira")."""
    return _runs(doc, lambda token: token.pos_ == "PROPN")


def _runs(doc: Doc, kept: Callable[[Token], bool]) -> list[SpacySpan]:
    """The runs of consecutive tokens that ``kept`` keeps, outside the doc's named entities."""
    inside = {token.i for ent in doc.ents for token in ent}
    runs: list[SpacySpan] = []
    start = None
    for token in [*doc, None]:
        if token is not None and kept(token) and token.i not in inside:
            start = token.i if start is None else start
            continue
        if start is not None:
            runs.append(doc[start : token.i if token is not None else len(doc)])
            start = None
    return runs


def without_determiner(text: str) -> str:
    """``text`` without a leading "the", "a" or "an" ("the Lyceum" -> "Lyceum")."""
    return _DETERMINER.sub("", text).strip()
