"""Where the candidate answers of a sentence come from: its spans, each with its type and its source.

The spans are spaCy's named entities, the runs of proper nouns and of number words the small model leaves
unnamed, the noun chunks, quoted phrases, and what a sentence says something is known as or called. Each is made
whole before it is judged: a person's title of rank ("Princess Louise"), the words hyphens or particles join to a
name ("Smith-Hughes Act", "Antonius van den Broek"), a genus's species ("Orycteropus afer"), the marks written onto
a number ("86°14'") and a year's era ("330 BCE"). :mod:`retrieval.generators.candidates` judges them against the
question.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from trellis.kg.ingest.extraction.labels import entity_type
from trellis.retrieval.ranking import content_words

__all__ = ["YEAR", "Found", "spans_of"]

Found = tuple[str, SpacySpan, str | None, str]
"""A span as a candidate: its text (a number with the word the question counts), the span, its type (None: a
noun chunk, typed by nothing) and its source feature (``from_entity``, ``from_quote``, ...)."""

_QUOTED = re.compile(r"[\"“]([^\"“”]{2,80})[\"”]")
_NAMING = re.compile(r"\b(?:known as|called|named|nicknamed|dubbed|termed)\s+", re.IGNORECASE)
_NAMING_END = re.compile(r"[().;:\[\]]")
_NAMED_ITEM = re.compile(r"\s*(?:,|\bor\b)\s*")
_MOST_NAMED = 4
"""The items of an enumeration after "called" that are candidates ("converse error, fallacy of the converse or ...")."""
_LONGEST_NAME = 8
"""The most tokens a quoted or named candidate may have."""
_JOINERS = frozenset({"-", "\u2013"})
_ERAS = frozenset({"BC", "BCE", "AD", "CE"})
_TITLES = frozenset(
    {"Princess", "Prince", "King", "Queen", "Emperor", "Empress", "Pope", "Saint", "Sir", "Dame", "Lady", "Lord"}
    | {"Duke", "Duchess", "Count", "Countess", "Tsar", "Czar", "Sultan", "Caliph", "Pharaoh"}
)
"""Words of rank the small NER model leaves outside a person's name ("Princess" + "Louise Caroline Alberta")."""
_PARTICLES = frozenset({"van", "von", "den", "der", "de", "da", "di", "du", "del", "della", "la", "le", "bin", "ibn"})
_MOST_PARTICLES = 2
_UNIT_MARKS = frozenset({"°", "\u2032", "\u2033", "'", "%"})
YEAR = re.compile(r"\d{3,4}s?")
_DURATIONS = frozenset(["year", "month", "week", "day", "hour", "minute", "second", "decade", "century"])
_MONTHS = frozenset(calendar.month_name[1:])


def spans_of(doc: Doc, words: set[str]) -> list[Found]:
    """Every candidate span of a parsed sentence, made whole, with its type and source (``words``: the
    question's content words, which a number may carry as its unit)."""
    entities = [_titled(_whole(ent)) for ent in doc.ents]
    found = [(_with_unit(ent, words), ent, _kind(ent), "from_entity") for ent in entities]
    found += [(run.text, run, "Thing", "from_proper_nouns") for run in map(_whole, _runs(doc, _proper_noun))]
    numbers = [_whole(run) for run in _runs(doc, _number)]
    found += [(_with_unit(run, words), run, _number_kind(run), "from_number") for run in numbers]
    found += [(chunk.text, chunk, None, "from_noun_chunk") for chunk in doc.noun_chunks]
    found += [(span.text, span, _named_kind(span), "from_quote") for span in _quoted(doc)]
    found += [(span.text, span, _named_kind(span), "from_naming") for span in _named(doc)]
    found += [(span.text, span, _named_kind(span), "from_naming") for span in _appositions(doc, words)]
    return found


def _whole(span: SpacySpan) -> SpacySpan:
    """A span with the words hyphens join to it ("Smith-" + "Hughes Act", not "300" + "-piece"), the rest of a
    name after its particles ("Antonius van" + "den Broek"), a genus's species, the marks written onto a number
    ("86" + "°14'") and a year's era ("330" + "BCE")."""
    doc, start, end = span.doc, span.start, span.end
    while start >= 2 and doc[start - 1].text in _JOINERS and not doc[start - 2].whitespace_:
        if doc[start - 1].whitespace_ or not (doc[start - 2].is_alpha and doc[start].is_alpha):
            break
        start -= 2
    while end + 1 < len(doc) and doc[end].text in _JOINERS and not doc[end - 1].whitespace_:
        if doc[end].whitespace_ or not (doc[end + 1].is_alpha and doc[end - 1].is_alpha):
            break
        end += 2
    end = _with_particles(doc, end)
    if end - start == 1 and _binomial(doc, start):
        end += 1
    if any(token.like_num for token in doc[start:end]):
        while end < len(doc) and not doc[end - 1].whitespace_ and _written_on(doc[end]):
            end += 1
        if end < len(doc) and doc[end].text in _ERAS:
            end += 1
    if (start, end) == (span.start, span.end):
        return span
    return SpacySpan(doc, start, end, label=span.label_)


def _titled(span: SpacySpan) -> SpacySpan:
    """A person's name with the title of rank written before it ("Princess Louise", "Pope Gregory XIII")."""
    if span.label_ != "PERSON" or span.start == 0 or span.doc[span.start - 1].text not in _TITLES:
        return span
    return SpacySpan(span.doc, span.start - 1, span.end, label=span.label_)


def _with_particles(doc: Doc, end: int) -> int:
    """The end of a name that goes on over lower-case particles to its next capitalised word ("Antonius van" +
    "den Broek", "Leonardo" + "da Vinci")."""
    if not (doc[end - 1].is_title or doc[end - 1].lower_ in _PARTICLES):
        return end
    after = end
    while after < len(doc) and doc[after].lower_ in _PARTICLES and after - end < _MOST_PARTICLES:
        after += 1
    if after < len(doc) and doc[after].is_title and (after > end or doc[end - 1].lower_ in _PARTICLES):
        return after + 1
    return end


def _binomial(doc: Doc, start: int) -> bool:
    """A genus in brackets followed by its species ("(Orycteropus afer)")."""
    return (
        start > 0
        and doc[start - 1].text == "("
        and doc[start].is_title
        and start + 2 < len(doc)
        and doc[start + 1].is_lower
        and doc[start + 1].is_alpha
        and doc[start + 2].text == ")"
    )


def _written_on(token: Token) -> bool:
    """A token that continues a number written without a space: a mark or more digits ("°", "14'")."""
    return token.text in _UNIT_MARKS or token.text[:1].isdigit()


def _quoted(doc: Doc) -> list[SpacySpan]:
    """The phrases of a sentence in quotation marks, short enough to be a name."""
    spans = (doc.char_span(m.start(1), m.end(1), alignment_mode="expand") for m in _QUOTED.finditer(doc.text))
    return [span for span in spans if span is not None and len(span) <= _LONGEST_NAME]


def _named(doc: Doc) -> list[SpacySpan]:
    """What a sentence says something is known as, called or named: the phrase that follows, up to a bracket or
    the clause's end, each item of an enumeration on its own ("called converse error, fallacy of the converse")."""
    found = []
    for marker in _NAMING.finditer(doc.text):
        start = marker.end()
        end = next((m.start() for m in _NAMING_END.finditer(doc.text, start)), len(doc.text))
        for item in _items(doc.text, start, end)[:_MOST_NAMED]:
            span = doc.char_span(*item, alignment_mode="expand")
            if span is not None and len(span) <= _LONGEST_NAME and not any(_a_verb(t) for t in span):
                found.append(span)  # an item with a verb is the clause going on ("..., is a formal fallacy")
    return found


def _appositions(doc: Doc, words: set[str]) -> list[SpacySpan]:
    """What a noun of the question is, said between commas right after it, where the parse made no entity or noun
    chunk of the words ("Rand's first novel, the semi-autobiographical We the Living, was ..."): a phrase short
    enough to be a name, up to the next comma or the sentence's end."""
    parsed = {(span.start, span.end) for span in (*doc.ents, *doc.noun_chunks)}
    found = []
    for token in doc[:-2]:
        if token.pos_ != "NOUN" or doc[token.i + 1].text != "," or not content_words(token.text) & words:
            continue
        end = next((t.i for t in doc[token.i + 2 :] if t.is_punct and t.text not in _JOINERS), len(doc))
        span = doc[token.i + 2 : end]
        if 0 < len(span) <= _LONGEST_NAME and (span.start, span.end) not in parsed and _a_name(span):
            found.append(span)
    return found


def _a_name(span: SpacySpan) -> bool:
    """Whether a phrase in apposition reads as a name: capitalised words, no verb, not an alternative ("or ...")."""
    return (
        span[0].pos_ not in ("CCONJ", "SCONJ", "ADP", "PRON", "ADV")
        and any(t.is_title or t.is_upper for t in span)
        and not any(_a_verb(t) for t in span)
    )


def _a_verb(token: Token) -> bool:
    """Whether a token is a verb, but a gerund, which a process is named by ("a process known as pickling")."""
    return token.pos_ in ("VERB", "AUX") and token.tag_ != "VBG"


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The character ranges of the items of ``text[start:end]`` separated by commas and "or"."""
    items, at = [], start
    for separator in [*_NAMED_ITEM.finditer(text, start, end), None]:
        stop = separator.start() if separator is not None else end
        if text[at:stop].strip(" \"'“”"):
            items.append((at, stop))
        if separator is None:
            break
        at = separator.end()
    return items


def _named_kind(span: SpacySpan) -> str | None:
    """The type of a quoted or named phrase: its entity's when it is one, else a name ("Thing")."""
    for ent in span.doc.ents:
        if ent.start == span.start and ent.end == span.end:
            return _kind(ent)
    return "Thing"


def _number_kind(span: SpacySpan) -> str:
    """A number with an era is a date ("330 BCE"); any other is a quantity."""
    return "Date" if _dated(span) else "Quantity"


def _dated(span: SpacySpan) -> bool:
    """Whether a span ends in a year's era ("330 BCE")."""
    return span[-1].text in _ERAS


def _kind(entity: SpacySpan) -> str | None:
    """An entity's type as an answer: its label's, but a span of time that counts and names no point in time
    ("seven different years", "within 24 hours", not "1833", "the third century" or "130 million years ago") is
    a count, not a date, and a nationality or creed said as an adjective is no name at all."""
    if _dated(entity):
        return "Date"
    if entity.label_ == "NORP" and entity.root.pos_ == "ADJ":
        return None  # "a Greek philosopher": a nationality said of someone, not a group that answers "who"
    kind = entity_type(entity.label_)  # None for a time of day ("7:51 a.m."): no date, no count
    if kind != "Date" and entity.label_ != "TIME":
        return kind
    if any(t.lower_ == "ago" or YEAR.fullmatch(t.text) or t.text in _MONTHS for t in entity):
        return kind
    counts = any(t.like_num and t.pos_ == "NUM" for t in entity)
    return "Quantity" if counts and any(t.lemma_.lower() in _DURATIONS for t in entity) else kind


def _with_unit(entity: SpacySpan, words: set[str]) -> str:
    """A number with the next word when the question uses it ("ten" + "times"), else the number's text."""
    if (entity.label_ in ("CARDINAL", "QUANTITY") or not entity.label_) and entity.end < len(entity.doc):
        following = entity.doc[entity.end]
        if content_words(following.text) & words:
            return f"{entity.text} {following.text}"
    return entity.text


def _proper_noun(token: Token) -> bool:
    """Proper nouns the small model leaves unnamed ("Stagira"), and acronyms whatever it tags them ("FLEC")."""
    return token.pos_ == "PROPN" or (token.is_upper and token.is_alpha and len(token) > 1)


def _number(token: Token) -> bool:
    """Number words the small model leaves unnamed ("130 million" in "130 million years ago")."""
    return bool(token.like_num) and token.pos_ == "NUM"


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
