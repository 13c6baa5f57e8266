"""Canonical names: the display form of a surface, the key two surfaces share when they name the same thing,
and the entity id derived from that key.

``display_name`` keeps case and accents and only removes what is never part of a name: surrounding
punctuation, a possessive ``'s``, a leading "the", and (for people) titles such as "Dr", "President" or
"Saint". ``name_key`` then folds case and accents, joins dotted initials ("U.S." and "US" share a key), and
for organisations drops a trailing legal form ("Apple Inc." and "Apple" share a key). ``entity_id`` hashes
the key (and a value's type: :func:`identity`), so the same name always yields the same node, whatever label the NER
model gave one sentence, and re-ingesting never duplicates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from trellis.kg.ingest.extraction.labels import LITERAL_TYPES

__all__ = [
    "acronym",
    "display_name",
    "entity_id",
    "identity",
    "initials",
    "is_organization_type",
    "is_person_type",
    "may_be_a_person",
    "name_key",
    "name_tokens",
    "quoted_nickname",
    "strip_legal_form",
]

# Titles and honorifics that precede a person's name; single tokens, compared without case or a trailing dot.
_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame", "lord", "lady",
        "president", "chancellor", "king", "queen", "prince", "princess", "emperor", "empress", "pope",
        "saint", "st", "rev", "reverend", "senator", "sen", "governor", "gov", "general", "gen", "judge",
        "justice",
        "captain", "capt", "colonel", "col", "chairman", "mayor", "major", "maj", "lieutenant", "lt", "brigadier",
        "brig", "admiral", "adm", "commander", "cmdr", "sergeant", "sgt", "marshal",
    }
)  # fmt: skip
# Titles of two words ("Prime Minister Churchill"), as token pairs.
_TITLE_PAIRS = frozenset({("prime", "minister"), ("vice", "president"), ("secretary", "general")})
# Legal forms that trail an organisation's name and never distinguish two organisations.
_LEGAL_FORMS = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc", "gmbh",
        "ag", "sa", "nv", "bv", "lp", "llp",
    }
)  # fmt: skip
# Words skipped when reading an acronym off a name ("North Atlantic Treaty Organization" -> NATO).
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "de", "la", "du", "des", "jr", "sr"})

_PERSON_TYPES = frozenset({"person", "per", "people"})
_ORGANIZATION_TYPES = frozenset({"organization", "organisation", "org", "company"})

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_EDGE_PUNCT = " \t\"'()[]{}<>,;:!?*\u00ab\u00bb"
_POSSESSIVE = re.compile(r"(?:'s|(?<=s)')$", re.IGNORECASE)
_DOTTED_INITIALS = re.compile(r"^(?:[A-Za-z]\.\s?){2,}$")
_INITIAL_DOT = re.compile(r"\b([^\W\d_])\.")
_NON_WORD = re.compile(r"[^\w]+")
_QUOTED = re.compile(r'\s"([^"]+)"\s')


def is_person_type(entity_type: str | None) -> bool:
    """Whether a type names people (``Person``, spaCy's ``PERSON``); they get title and surname rules."""
    return entity_type is not None and entity_type.casefold() in _PERSON_TYPES


def is_organization_type(entity_type: str | None) -> bool:
    """Whether a type names organisations; their keys drop trailing legal forms such as "Inc." or "Ltd"."""
    return entity_type is not None and entity_type.casefold() in _ORGANIZATION_TYPES


@lru_cache(maxsize=1 << 16)
def display_name(surface: str, entity_type: str | None = None) -> str:
    """The name to show for a surface, less punctuation, possessive, leading article and (people) titles.

    >>> display_name("  President Abraham Lincoln's ", "Person")
    'Abraham Lincoln'
    """
    text = unicodedata.normalize("NFKC", surface).translate(_QUOTES)
    text = " ".join(_DASHES.sub("-", text).split())
    previous = None
    while text != previous:
        previous = text
        text = text.strip(_EDGE_PUNCT)
        text = _POSSESSIVE.sub("", text).strip(_EDGE_PUNCT)
        text = _strip_sentence_period(text)
        words = text.split(" ")
        if len(words) > 1 and words[0].casefold() == "the":
            text = " ".join(words[1:])
        elif is_person_type(entity_type):
            text = _strip_title(words)
    return text


def _strip_sentence_period(text: str) -> str:
    """Drop a period that ends a sentence, not an abbreviation ("Einstein." but not "Jr." or "U.S.")."""
    if not text.endswith("."):
        return text
    last = text.rsplit(" ", 1)[-1].rstrip(".")
    if len(last) >= 4 and "." not in last and not last.isupper():
        return text[:-1]
    return text


def _strip_title(words: list[str]) -> str:
    """Remove one leading title from a person's name, unless the title is all there is."""
    folded = [word.casefold().rstrip(".") for word in words]
    if len(words) > 2 and (folded[0], folded[1]) in _TITLE_PAIRS:
        return " ".join(words[2:])
    if len(words) > 1 and folded[0] in _TITLES:
        return " ".join(words[1:])
    return " ".join(words)


def quoted_nickname(surface: str) -> str | None:
    """The folded nickname a person's name carries in quotes ('Edwin "Buzz" Aldrin' -> buzz), or None."""
    found = _QUOTED.search(unicodedata.normalize("NFKC", surface).translate(_QUOTES))
    tokens = name_tokens(found.group(1)) if found else []
    return tokens[0] if len(tokens) == 1 else None


def may_be_a_person(surface: str) -> bool:
    """Whether a name given another label could still be a person's: one word ("Lincoln"), or a title and a name
    ("General Gage")."""
    words = display_name(surface).split(" ")
    return len(words) == 1 or (len(words) == 2 and words[0].casefold().rstrip(".") in _TITLES)


def name_tokens(surface: str, entity_type: str | None = None) -> list[str]:
    """The folded words of a name, initials kept apart ("J. R. R. Tolkien" -> j, r, r, tolkien).

    Accents and case are folded, apostrophes vanish ("d'Ivoire" -> divoire), other punctuation separates
    words, "&" reads as "and". Organisations lose a trailing legal form; elsewhere a leading "St" reads as
    "saint".
    """
    return list(_tokens(surface, entity_type))


@lru_cache(maxsize=1 << 16)
def _tokens(surface: str, entity_type: str | None) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", display_name(surface, entity_type))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("'", "").replace(" & ", " and ")
    text = _INITIAL_DOT.sub(r"\1 ", text)
    tokens = [token for token in _NON_WORD.split(text) if token]
    if is_organization_type(entity_type):
        while len(tokens) > 1 and tokens[-1] in _LEGAL_FORMS:
            tokens.pop()
    elif not is_person_type(entity_type) and len(tokens) > 1 and tokens[0] == "st":
        tokens[0] = "saint"
    return tuple(tokens)


def name_key(surface: str, entity_type: str | None = None) -> str:
    """The key two surfaces share when they are the same name: folded tokens, runs of initials joined.

    >>> name_key("U.S.") == name_key("US") == "us"
    True
    """
    joined: list[str] = []
    run = ""
    for token in _tokens(surface, entity_type):
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(token)
    if run:
        joined.append(run)
    return " ".join(joined)


def identity(entity_type: str) -> str:
    """What an entity's identity keys on besides its name: a value's type (the date 1905 is not the quantity 1905),
    one shared kind for every named thing, whose type the NER model gets wrong from sentence to sentence ("Aristotle"
    a person here, an organisation there) and which the weight of its mentions decides instead."""
    return entity_type if entity_type in LITERAL_TYPES else "Entity"


def entity_id(canonical_name: str, entity_type: str) -> str:
    """The deterministic id of the entity a name denotes (a value: name and type): ``ent-`` and 16 hex digits of a
    SHA-256."""
    key = f"{identity(entity_type)}|{name_key(canonical_name, entity_type)}"
    return f"ent-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def strip_legal_form(surface: str) -> str:
    """A name without trailing legal forms ("International Business Machines Corp." -> "... Machines")."""
    words = surface.replace(",", " ").split()
    while len(words) > 1 and words[-1].casefold().rstrip(".") in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def acronym(surface: str) -> str | None:
    """The letters of a surface written as an acronym ("NATO", "U.S.", "U. K."), or None if it is not one."""
    text = display_name(surface).replace(" ", "")
    if _DOTTED_INITIALS.match(text):
        text = text.replace(".", "")
    if 2 <= len(text) <= 8 and text.isalpha() and text.isupper():
        return text
    return None


def initials(surface: str) -> str:
    """The initials of a name's capitalised words, skipping "of", "the", "and" and the like.

    "North Atlantic Treaty Organization" gives NATO. Dotted initials count ("John F. Kennedy" -> JFK);
    lower-case words and words of scripts without case do not.
    """
    letters = []
    for word in re.split(r"[\s,]+", display_name(surface)):
        word = word.strip(".()'\"")
        if not word or word.casefold() in _ACRONYM_SKIP:
            continue
        if word[0].isupper() and word[0].isalpha():
            letters.append(word[0])
    return "".join(letters)
