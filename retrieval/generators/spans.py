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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.ingest.extraction.labels import entity_type
from retrieval.generators.answer_types import named_terms
from retrieval.pages import plain_title
from retrieval.ranking import content_words
from retrieval.ranking import words as all_words
from retrieval.sentences import sentences
from retrieval.types import Context, Passage

__all__ = ["Embed", "SentenceMatch", "Span", "best_spans", "matching_sentences", "without_determiner"]

Embed = Callable[[Sequence[str]], np.ndarray]
_WORD = re.compile(r"\w+", re.UNICODE)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_ASIDE = 0.7
"""The fit of a candidate whose sentence holds none of the question's words but its names."""
_ECHO = 0.5
"""How much a candidate loses for each share of its words that the question already says."""
_LED = 0.9
"""The discount of a sentence's match that counts the words of the sentence leading to its article: of two
readings that cover the question alike, the one sentence is the surer."""
_UNTYPED_CHUNK = 0.7
"""The fit of a noun chunk when the question does not say what it asks for (a named entity fits 1.0)."""
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
    names = [f" {' '.join(all_words(name))} " for name in named_terms(question)]
    predicates = words - content_words(" ".join(named_terms(question)))
    best: dict[str, Span] = {}
    for match, doc in zip(matches, nlp.pipe(m.text for m in matches), strict=True):
        lead = f"{match.lead_title} {match.via[0]}" if match.via else ""
        setting = f" {' '.join(all_words(f'{plain_title(match.passage.title)} {lead} {match.text}'))} "
        held = sum(name in setting for name in names)
        if names and (held == 0 or (match.via is None and held / len(names) < names_share)):
            continue  # the sentence is not about what the question names
        aside = _ASIDE if predicates and not predicates & content_words(setting) else 1.0
        anchors = _positions(match.text, words)
        spans = [(_with_unit(ent, words), ent.text, entity_type(ent.label_), ent.start_char) for ent in doc.ents]
        spans += [(run.text, run.text, "Thing", run.start_char) for run in _proper_nouns(doc)]
        if expected is None:
            spans += [(chunk.text, chunk.text, None, chunk.start_char) for chunk in doc.noun_chunks]
        for text, core, kind, start in spans:
            text = without_determiner(text.strip(" ,;:.\"'"))
            own = content_words(text)
            if not own or own <= words or text.casefold() in _PRONOUNS:
                continue  # an answer says something the question does not
            if expected is None:
                fit = 1.0 if kind is not None else _UNTYPED_CHUNK
            elif kind in expected:
                fit = 1.0
            else:
                fit = _NAME_MIX_UP if kind in _NAMES and expected & _NAMES else _OFF_TYPE
            if any(title and (own <= title or title <= own) for title in titled):
                fit *= _A_PAGE
            fit *= 1 - _ECHO * len(content_words(core) & words) / len(own)  # "age of thirty-seven" for "what age"
            distance = min((abs(start - a) for a in anchors), default=200)
            score = match.match * fit * aside * (1 - _NEARNESS + _NEARNESS / (1 + distance / 40))
            key = text.casefold()
            if key not in best or best[key].score < score:
                best[key] = Span(text, kind, round(score, 6), match)
    return sorted(best.values(), key=lambda s: (-s.score, s.sentence.number, s.text))


def _with_unit(entity: SpacySpan, words: set[str]) -> str:
    """A number entity with the next word when the question uses it ("ten" + "times"), else the entity's text."""
    if entity.label_ in ("CARDINAL", "QUANTITY") and entity.end < len(entity.doc):
        following = entity.doc[entity.end]
        if content_words(following.text) & words:
            return f"{entity.text} {following.text}"
    return entity.text


def _proper_nouns(doc: Doc) -> list[SpacySpan]:
    """Runs of proper nouns that are no named entity of their own (the small model misses "Stagira")."""
    inside = {token.i for ent in doc.ents for token in ent}
    runs: list[SpacySpan] = []
    start = None
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in inside:
            start = token.i if start is None else start
            continue
        if start is not None:
            runs.append(doc[start : token.i if token is not None else len(doc)])
            start = None
    return runs


def without_determiner(text: str) -> str:
    """``text`` without a leading "the", "a" or "an" ("the Lyceum" -> "Lyceum")."""
    return _DETERMINER.sub("", text).strip()
