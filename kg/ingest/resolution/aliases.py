"""Alias rules: when one name is another's short form or acronym.

Each rule compares two names of the same type and says yes or no; the resolver decides what to do when a name
fits more than one entity (it merges nothing then). The rules read the folded tokens of :mod:`names`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from nicknames import NickNamer

from trellis.kg.ingest.resolution.names import (
    acronym,
    initials,
    is_organization_type,
    is_person_type,
    name_tokens,
    strip_legal_form,
)

__all__ = [
    "acronym_key",
    "are_different_people",
    "is_acronym_of",
    "is_modifier_or_number_apart",
    "is_organization_short_form",
    "is_person_short_form",
    "organization_key",
    "short_form_keys",
]

_GENERATIONAL = frozenset({"jr", "sr"})
_REGNAL = re.compile(r"^(?:[ivx]+|\d+)$")
_ROMAN = re.compile(r"^[ivxlc]+$")
# Words an organisation's everyday name drops ("Harvard" for "Harvard University", "Oxford" for "University of
# Oxford"). Deliberately short: "Ford" must not become "Ford Foundation", nor "Toyota" "Toyota Motor".
_GENERIC_ORGANIZATION_WORDS = frozenset({"university", "college", "institute", "school", "group", "holdings"})
_ORGANIZATION_FILLERS = frozenset({"of", "the", "and", "at"})
_MIN_ANAGRAM = 4
"""The shortest acronym whose letters may come in another order than the name's initials (three letters would make
too many false friends)."""
# Lower-case particles that belong to a surname ("van Gogh", "de Gaulle", "bin Laden").
_SURNAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "bin", "ibn", "al", "el", "ter"}
)


def _split_person(tokens: Sequence[str]) -> tuple[list[str], str, str]:
    """A person's tokens as (core name, generational suffix "jr"/"sr", regnal number "ii")."""
    core = list(tokens)
    generational = regnal = ""
    if len(core) > 1 and core[-1] in _GENERATIONAL:
        generational = core.pop()
    if len(core) > 1 and _REGNAL.match(core[-1]):
        regnal = core.pop()
    return core, generational, regnal


@cache
def _nicknames() -> NickNamer:
    return NickNamer()


def _given_names_match(short: str, full: str) -> bool:
    """Two given names agree when equal, when one is the other's initial ("F" and "Fitzgerald"), or when one is a
    usual English nickname of the other ("Jim" and "James", from the ``nicknames`` package's curated table)."""
    if short == full:
        return True
    if (len(short) == 1 and full.startswith(short)) or (len(full) == 1 and short.startswith(full)):
        return True
    return short in _nicknames().nicknames_of(full) or full in _nicknames().nicknames_of(short)


def is_person_short_form(short: Sequence[str], full: Sequence[str], *, nickname: str | None = None) -> bool:
    """Whether the person name ``short`` can be a shorter way to write ``full`` (both as :func:`name_tokens`).

    Yes for the surname alone ("Einstein", "van Gogh"), for first name and surname without middle names ("John
    Kennedy" for "John F. Kennedy"), for initials ("J. R. R. Tolkien"), nicknames ("Jim Lovell" for "James
    Lovell"), and for a dropped "Jr.". No when the surnames, the first given names or the regnal numbers differ
    ("Elizabeth I" is not "Elizabeth II"; "Albert Einstein" is not his son "Hans Albert Einstein").
    A ``nickname`` the full name quotes stands for its given names ("Mike Agassi" for 'Emmanuel "Mike" Agassi').
    """
    if nickname is not None and nickname in full:
        plain = [token for token in full if token != nickname]
        nicknamed = [nickname, *plain[-1:]] if not _split_person(plain)[1] else [nickname, *plain[-2:]]
        forms = (plain, nicknamed)
        return list(short) in forms or any(_is_person_short_form(short, form) for form in forms)
    return _is_person_short_form(short, full)


def _is_person_short_form(short: Sequence[str], full: Sequence[str]) -> bool:
    short_core, short_gen, short_regnal = _split_person(short)
    full_core, full_gen, full_regnal = _split_person(full)
    if not short_core or short_regnal != full_regnal or (short_gen and short_gen != full_gen):
        return False
    if len(short_core) > len(full_core) or short_core[-1] != full_core[-1]:
        return False
    if short_core == full_core:
        return bool(full_gen) and not short_gen
    if full_core[-len(short_core) :] == short_core and all(t in _SURNAME_PARTICLES for t in short_core[:-1]):
        return True
    short_given, full_given = short_core[:-1], full_core[:-1]
    if len(short_given) == len(full_given):
        return all(map(_given_names_match, short_given, full_given))
    return len(short_given) == 1 and _given_names_match(short_given[0], full_given[0])


def are_different_people(first: Sequence[str], second: Sequence[str]) -> bool:
    """Whether two person names share a surname but not a first name ("Hermann Einstein", "Albert Einstein"): a
    family, not one person, however close the names embed. An initial agrees with the name it starts."""
    first_core, second_core = _split_person(first)[0], _split_person(second)[0]
    if len(first_core) < 2 or len(second_core) < 2 or first_core[-1] != second_core[-1]:
        return False
    return not _given_names_match(first_core[0], second_core[0])


def _organization_core(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in _GENERIC_ORGANIZATION_WORDS and t not in _ORGANIZATION_FILLERS]


def is_organization_short_form(short: Sequence[str], full: Sequence[str]) -> bool:
    """Whether ``short`` is ``full`` without its generic words ("Harvard" for "Harvard University"), or the same
    words in another order ("Confederation Congress" for "Congress of the Confederation", "Oxford University"
    for "University of Oxford")."""
    if not short or list(short) == list(full):
        return False
    if sorted(_words(short)) == sorted(_words(full)):
        return True
    generic = any(t in _GENERIC_ORGANIZATION_WORDS for t in short)
    return not generic and sorted(_organization_core(full)) == sorted(short)


def _words(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in _ORGANIZATION_FILLERS]


def organization_key(tokens: Sequence[str]) -> tuple[str, ...]:
    """What an organisation's short forms and reorderings are looked up by: its core words, sorted."""
    return tuple(sorted(_organization_core(tokens)))


def is_acronym_of(short: str, full: str) -> bool:
    """Whether the surface ``short`` is an acronym ("NATO", "U.S.") of the initials of the name ``full``."""
    letters = acronym(short)
    if letters is None or len(full.split()) < 2:
        return False
    spelled = {initials(full), initials(strip_legal_form(full))}
    return letters in spelled or (len(letters) >= _MIN_ANAGRAM and acronym_key(letters) in map(acronym_key, spelled))


def acronym_key(letters: str) -> str:
    """The letters of an acronym or of a name's initials in sorted order: an acronym of a name in another language
    keeps its letters but not their order ("MPLA", "Popular Movement for the Liberation of Angola")."""
    return "".join(sorted(letters))


def short_form_keys(name: str, entity_type: str | None) -> list[tuple[str, ...]]:
    """The keys a shorter form of ``name`` is looked up by: the surname for people, the core for organisations.

    The resolver indexes known names under these keys so it compares a mention only with names that could fit.
    Other types have no short-form rule (a "Korea" is no short form of "South Korea").
    """
    tokens = name_tokens(name, entity_type)
    if is_person_type(entity_type):
        core, _, _ = _split_person(tokens)
        return [(core[-1],)] if core else []
    if is_organization_type(entity_type):
        core = _organization_core(tokens)
        return [organization_key(tokens)] if core else []
    return []


def is_modifier_or_number_apart(first: Sequence[str], second: Sequence[str]) -> bool:
    """Whether two names differ by added words only ("York", "New York") or by their numbers ("World War II").

    Such names embed close, yet the modifier or the number is exactly what tells them apart; whether added
    words make a mere short form is for the rules above to judge, not for embedding similarity.
    """
    words, others = set(first), set(second)
    if words < others or others < words:
        return True
    return _numbers(first) != _numbers(second)


def _numbers(tokens: Sequence[str]) -> set[str]:
    """Numerals in a name: tokens with digits, and Roman numerals after the first word."""
    return {t for i, t in enumerate(tokens) if any(c.isdigit() for c in t) or (i > 0 and _ROMAN.match(t))}
