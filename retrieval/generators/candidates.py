"""The candidate answers of the sentences that match a question, and what is known of each.

Candidates are the spans of the sentences (:mod:`retrieval.generators.answer_spans`: named entities, runs of
proper nouns and numbers, noun chunks, quoted and named phrases, each made whole), without a leading article or a
possessive ("Nick Bollettieri's" -> "Nick Bollettieri"). Each carries two judgements:

- its **support** (:func:`support`): how surely the context answers the question at all, by the hand-set rules
  of the sentence's match, the candidate's type against the one asked for, and how near it stands to the
  question's words. The best support decides whether Trellis answers or abstains, and how a sentence's answer
  weighs against a graph fact's.
- its **features** (:data:`FEATURES`): the same evidence as separate numbers, with the candidate's grammatical
  role. :class:`~retrieval.generators.span_ranker.SpanRanker` weighs them, with weights fitted on the dev split
  of the prose set, to choose which candidate is the answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.lang.en.lex_attrs import _ordinal_words, like_num
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from trellis.retrieval.generators.answer_spans import YEAR, Found, spans_of
from trellis.retrieval.generators.answer_types import asked_noun, asks_what, counted_unit
from trellis.retrieval.generators.antecedents import personal_subject
from trellis.retrieval.ranking import content_words
from trellis.retrieval.ranking import words as all_words

__all__ = ["FEATURES", "Asked", "Candidate", "asked_of", "candidates_of", "own_words", "without_determiner"]

FEATURES: tuple[str, ...] = (
    "sentence_words",  # the share of the question's content words the sentence holds (with its title)
    "sentence_meaning",  # the cosine of the question with the sentence in its setting
    "log_sentence_words",
    "log_sentence_meaning",
    "log_sentence_match",  # log of the mean of the two: how the support weighs the sentence
    "sentence_rank",  # 1 / (1 + the sentence's place among the matching sentences)
    "led",  # the sentence was reached through another article's sentence that names its article
    "names_held",  # the share of the question's names the sentence's setting holds
    "aside",  # the sentence holds none of the question's other content words
    "type_asked",  # the candidate is of the type the question asks for
    "type_near",  # a name of another kind, when a name is asked for
    "type_off",  # another type altogether
    "untyped_chunk",  # a noun chunk, when the question does not say what it asks for
    "unasked_count",  # a number, when the question does not say what it asks for
    "carries_noun",  # it carries, or stands beside, the noun a "which X" question asks for ("Puerto Rico Trench")
    "joined_noun",  # the parse joins it to that noun ("capital Edmonton", "Edmonton is the capital")
    "counts_unit",  # a number that counts what a "how many X" question asks about
    "counts_other",  # a number that counts something else
    "names_page",  # it names a document of the context (the subject or the bridge, rarely the answer)
    "echo",  # the share of its words the question already says
    "nearness",  # 1 / (1 + its distance in characters / 40) to the nearest question word
    "log_nearness",
    "from_entity",
    "from_proper_nouns",
    "from_number",
    "from_noun_chunk",
    "from_quote",  # a quoted phrase ("The Battle of the Cowshed", "Abstract of the Disclosure")
    "from_naming",  # what a sentence says something is known as or called ("also known as RU-486")
    "length",  # log(1 + its words)
    "head_asked",  # its syntactic head is a question word ("school" in "his school, the Lyceum")
    "subject",
    "object",
    "apposition",
    "verb_asked",  # the verb it depends on is one the question uses ("launched" for "When was X launched?")
    "tree_nearness",  # 1 / (1 + its distance in the parse tree to the nearest question word)
    "has_year",  # it holds a year ("December 21, 1968", not "July 16")
    "bridge",  # it names a document its sentence leads to (the question's "that mission": the bridge, not the answer)
    "slot_gain",  # how much nearer the question its sentence reads with the question word in its place (slots.py)
)

_WORD = re.compile(r"\w+", re.UNICODE)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile("['\u2019]s?$")
_NAMES = frozenset({"Person", "Organization", "Location", "Facility", "Group", "Work", "Event", "Product", "Thing"})
_PRONOUNS = frozenset(
    {"it", "he", "she", "they", "them", "this", "that", "these", "those", "who", "which", "what", "his", "her"}
    | {"its", "their"}
)
_ASIDE = 0.7
"""The support of a candidate whose sentence holds none of the question's words but its names."""
_ECHO = 0.5
"""How much a candidate's support loses for each share of its words that the question already says."""
_UNTYPED_CHUNK = 0.7
"""The fit of a noun chunk when the question does not say what it asks for (a named entity fits 1.0)."""
_UNCOUNTED = 0.6
"""The fit of a number that does not count what a "how many X" question asks about."""
_UNASKED_COUNT = 0.5
"""The fit of a number when the question does not say what it asks for: it seldom wants a count."""
_CARRIES = 1.15
"""The fit of a candidate that carries the noun a "which X" question asks for: surer than any name of the type."""
_OFF_TYPE = 0.25
"""The fit of a candidate whose type is not the one asked for."""
_NEARNESS = 0.3
"""How much of a candidate's support depends on how near it stands to the question's words in its sentence."""
_A_PAGE = 0.5
"""The fit of a candidate that names a document of the context."""
_NAME_MIX_UP = 0.6
"""The fit of a name of another kind than the one asked for: the small NER model often calls a city a person or
an organisation, but never a year a name."""
_ORDINALS = frozenset(_ordinal_words)
_NOT_A_COUNT = re.compile(r"\d{4}s?|\d+(?:st|nd|rd|th)")
"""A year ("1917") or an ordinal written in figures ("19th"): a name's part, never a count of what is asked for."""
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_JOINS = frozenset({"appos", "compound"})
_OBJECTS = frozenset({"dobj", "pobj", "attr", "oprd"})


@dataclass(frozen=True)
class Asked:
    """What the question asks, as the candidates are judged against it."""

    words: set[str]
    """Its content words."""
    expected: frozenset[str] | None
    """The entity types it asks for (None: it does not say)."""
    kind_word: set[str]
    """The noun a "which X" question asks for."""
    unit: set[str]
    """What a "how many X" question counts."""
    titled: list[set[str]]
    """The content words of the context's document titles."""
    said: set[str]
    """Its content words and its numbers, ordinals too ("first"): an answer made only of them says nothing new."""
    what: bool = False
    """It asks "what" or "which" (:func:`~retrieval.generators.answer_types.asks_what`)."""


@dataclass(frozen=True)
class Sentence:
    """A matching sentence as the candidates see it: its text, its parse, how it matches and where it ranks."""

    doc: Doc
    words: float
    meaning: float
    rank: int
    led: bool
    names_held: float
    aside: bool
    anchors: list[int]
    """Character offsets of its words that are the question's content words."""
    leads_to: list[set[str]] = field(default_factory=list)
    """The content words of the titles of the documents it leads to."""
    antecedent: str | None = None
    """Who its "he" or "she" subject is (:mod:`retrieval.generators.antecedents`), a candidate in the pronoun's
    place."""

    @property
    def anchor_tokens(self) -> list[Token]:
        """Its tokens that are the question's words (at :attr:`anchors`)."""
        starts = set(self.anchors)
        return [token for token in self.doc if token.idx in starts]


@dataclass(frozen=True)
class Candidate:
    """A candidate answer of one sentence: its text, type, support (0..1), features and where it starts."""

    text: str
    type: str | None
    support: float
    features: dict[str, float]
    start: int = 0
    """Its character offset in the sentence: of two candidates judged alike, the first written wins."""


def asked_of(question: str, *, expected: frozenset[str] | None, pages: Sequence[str] = ()) -> Asked:
    """What ``question`` asks, judged with the types it ``expected`` and the context's document titles ``pages``."""
    return Asked(
        words=content_words(question),
        expected=expected,
        kind_word=content_words(asked_noun(question) or ""),
        unit=content_words(" ".join(counted_unit(question))),
        titled=[content_words(page) for page in pages if page],
        said=own_words(question),
        what=asks_what(question),
    )


def candidates_of(sentence: Sentence, asked: Asked) -> list[Candidate]:
    """The candidates of one sentence, each judged against what is asked."""
    out = []
    for raw, span, kind, source in _spans(sentence, asked):
        text = _POSSESSIVE.sub("", without_determiner(raw.strip(" ,;:.\"'“”"))).strip()
        own = own_words(text)
        if not own or own <= asked.said or text.casefold() in _PRONOUNS:
            continue  # an answer says something the question does not
        features = dict.fromkeys(FEATURES, 0.0)
        features[source] = 1.0
        fit = _typed(features, own, span, kind, asked)
        unit = asked.unit if kind == "Quantity" else set()  # "24 hours" for "how many hours"
        echo = (content_words(span.text) & asked.words) - asked.kind_word - unit  # "age of 37" for "what age"
        fit *= 1 - _ECHO * len(echo) / len(own)
        distance = min((abs(span.start_char - a) for a in sentence.anchors), default=200)
        nearness = 1 / (1 + distance / 40)
        match = (sentence.words + sentence.meaning) / 2
        support = match * fit * (_ASIDE if sentence.aside else 1.0) * (1 - _NEARNESS + _NEARNESS * nearness)
        root = span.root
        features.update(
            sentence_words=sentence.words,
            sentence_meaning=sentence.meaning,
            log_sentence_words=math.log(sentence.words + 0.01),
            log_sentence_meaning=math.log(sentence.meaning + 0.01),
            log_sentence_match=math.log(match + 0.01),
            sentence_rank=1 / (1 + sentence.rank),
            led=float(sentence.led),
            names_held=sentence.names_held,
            aside=float(sentence.aside),
            echo=len(echo) / len(own),
            nearness=nearness,
            log_nearness=math.log(nearness),
            length=math.log1p(len(text.split())),
            head_asked=float(bool(content_words(f"{root.head.lemma_} {root.head.text}") & asked.words)),
            subject=float(root.dep_ in _SUBJECTS),
            object=float(root.dep_ in _OBJECTS),
            apposition=float(root.dep_ == "appos" or any(t.dep_ == "appos" for t in root.children)),
            verb_asked=float(bool(content_words(_verb_of(root)) & asked.words)),
            tree_nearness=1 / (1 + _tree_distance(root, sentence.anchor_tokens)),
            has_year=float(any(YEAR.fullmatch(t.text) for t in span)),
            bridge=float(any(title and (own <= title or title <= own) for title in sentence.leads_to)),
        )
        out.append(Candidate(text, kind, support, features, span.start_char))
    return out


def _spans(sentence: Sentence, asked: Asked) -> list[Found]:
    """The sentence's candidate spans (:func:`~retrieval.generators.answer_spans.spans_of`), with its antecedent in
    the place of its "he" or "she" subject; a noun chunk that is also a typed span takes its type ("300 BC")."""
    found = spans_of(sentence.doc, asked.words)
    pronoun = personal_subject(sentence.doc) if sentence.antecedent else None
    if sentence.antecedent and pronoun is not None:
        found.append((sentence.antecedent, pronoun, "Person", "from_entity"))
    typed = {(span.start, span.end): kind for _, span, kind, _ in found if kind is not None}
    return [(raw, span, kind or typed.get((span.start, span.end)), source) for raw, span, kind, source in found]


def _joined_words(token: Token) -> set[str]:
    """The content words joined to a candidate's head in the parse: its head and its children when they are in
    apposition or compound with it ("capital Edmonton", "Edmonton, the capital"), and what it is equated with by
    "to be" ("Edmonton is the capital")."""
    joined = [child for child in token.children if child.dep_ in _JOINS]
    if token.dep_ in _JOINS:
        joined.append(token.head)
    if token.dep_ in ("nsubj", "attr") and token.head.lemma_ == "be":
        joined += [t for t in token.head.children if t.dep_ in ("nsubj", "attr") and t.i != token.i]
    return content_words(" ".join(t.text for t in joined))


def _verb_of(token: Token) -> str:
    """The lemma of the verb a token depends on (itself when it is one), else ""."""
    for ancestor in [token, *token.ancestors]:
        if ancestor.pos_ in ("VERB", "AUX"):
            return str(ancestor.lemma_)
    return ""


def _tree_distance(token: Token, anchors: list[Token]) -> int:
    """The fewest parse-tree edges from ``token`` to one of ``anchors`` (20 when there is none)."""
    if not anchors:
        return 20
    up = {token.i: 0}
    for depth, ancestor in enumerate(token.ancestors, start=1):
        up[ancestor.i] = depth
    best = 20
    for anchor in anchors:
        for depth, node in enumerate([anchor, *anchor.ancestors]):
            if node.i in up:
                best = min(best, depth + up[node.i])
                break
    return best


def _typed(features: dict[str, float], own: set[str], span: SpacySpan, kind: str | None, asked: Asked) -> float:
    """Set the candidate's type features; return its fit for the support."""
    expected = asked.expected
    if asked.kind_word and (kind in ("Quantity", "Date") or _a_count(own - asked.kind_word)):
        fit = _OFF_TYPE  # "which metals": "three metals", a count of them, or a date, is none of them
        features["type_off"] = 1.0
    elif expected is None and asked.what and kind in ("Quantity", "Date"):
        fit = _OFF_TYPE  # "What is the oldest counting board?": a thing, not its date
        features["type_off"] = 1.0
    elif asked.kind_word and asked.kind_word <= own | _beside(span):
        fit = _CARRIES  # "Chiron the Centaur", "capital Edmonton", whatever the NER model calls them
        features["carries_noun"] = 1.0
        features["joined_noun"] = float(asked.kind_word <= own | _joined_words(span.root))
    elif expected is None:
        fit = {None: _UNTYPED_CHUNK, "Quantity": _UNASKED_COUNT}.get(kind, 1.0)
        features["untyped_chunk"] = float(kind is None)
        features["unasked_count"] = float(kind == "Quantity")
    elif kind in expected:
        fit = 1.0
    else:
        fit = _NAME_MIX_UP if kind in _NAMES and expected & _NAMES else _OFF_TYPE
    if expected is not None and not (features["carries_noun"] or features["type_off"]):  # the noun says its type
        if kind in expected:
            features["type_asked"] = 1.0
        elif kind in _NAMES and expected & _NAMES:
            features["type_near"] = 1.0
        else:
            features["type_off"] = 1.0
    if asked.unit and kind == "Quantity":  # "nine olfactory bulbs" for "how many olfactory bulbs"
        counts = bool(asked.unit & _counted(span))
        features["counts_unit" if counts else "counts_other"] = 1.0
        fit *= _CARRIES if counts else _UNCOUNTED
    if any(title and (own <= title or title <= own) for title in asked.titled):
        features["names_page"] = 1.0
        fit *= _A_PAGE
    return fit


def _a_count(words: set[str]) -> bool:
    """Whether a candidate's words, but the noun asked for, are only a count ("three" in "three metals"; not an
    ordinal, "Thirteenth Amendment", nor a year, "1917")."""
    return bool(words) and all(like_num(w) and not _NOT_A_COUNT.fullmatch(w) and w not in _ORDINALS for w in words)


def _beside(span: SpacySpan) -> set[str]:
    """The content words of the three tokens either side of a span (its apposition: "Angola's capital, Luanda,")."""
    doc = span.doc
    return content_words(f"{doc[max(span.start - 3, 0) : span.start].text} {doc[span.end : span.end + 3].text}")


def _counted(span: SpacySpan) -> set[str]:
    """The words a number counts: its own and the three that follow it ("nine olfactory bulbs")."""
    following = span.doc[span.end : span.end + 3]
    return content_words(f"{span.text} {following.text}")


def own_words(text: str) -> set[str]:
    """The words a candidate says: its content words and its numbers ("nine" is a stop word to spaCy)."""
    return content_words(text) | {word for word in all_words(text) if like_num(word)}


def without_determiner(text: str) -> str:
    """``text`` without a leading "the", "a" or "an" ("the Lyceum" -> "Lyceum")."""
    return _DETERMINER.sub("", text).strip()


def positions(sentence: str, words: set[str]) -> list[int]:
    """Character offsets of the sentence's words that are the question's content words."""
    return [m.start() for m in _WORD.finditer(sentence) if content_words(m.group()) & words]
