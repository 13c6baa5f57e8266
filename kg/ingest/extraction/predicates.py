"""Relation predicates: one spelling per meaning, in the UPPER_SNAKE_CASE that Neo4j relationship types use.

A verb predicate is the verb's past tense (lemminflect's), whatever the tense in the text, so "Gates founds",
"Gates founded" and "Microsoft was founded by Gates" all give ``FOUNDED``. Passive verbs with a preposition keep the
participle (``BORN_IN``, ``LOCATED_IN``). A small synonym table maps verbs of the same meaning to one lemma
first ("establish", "co-found", "set up" -> ``FOUNDED``).
"""

from __future__ import annotations

import re

from lemminflect import getInflection

__all__ = ["VERB_SYNONYMS", "normalise_predicate", "noun_predicate", "verb_predicate"]

VERB_SYNONYMS: dict[str, str] = {
    "establish": "found",
    "cofound": "found",
    "co-found": "found",
    "set up": "found",
    "situate": "locate",
    "author": "write",
    "pen": "write",
    "head": "lead",
    "wed": "marry",
    "pass away": "die",
    "bring up": "raise",
}
"""Verb lemma (with its particle) -> the lemma whose past tense names the relation."""


def normalise_predicate(text: str) -> str:
    """``"capital of"`` -> ``CAPITAL_OF``: letters and digits in upper case joined by single underscores.

    The result always starts with a letter (``RELATED_TO`` when nothing usable is left), so it is a valid
    relationship type without quoting.
    """
    words = re.findall(r"[A-Za-z0-9]+", text)
    predicate = "_".join(word.upper() for word in words)
    if not predicate or not predicate[0].isalpha():
        return "RELATED_TO"
    return predicate


def _inflect(lemma: str, *, participle: bool, surface: str) -> str:
    """Past tense (or participle) of a one-word lemma (lemminflect's forms); ``surface``, the verb as written
    when it is a past form, wins when it is one of them ("lay" and "lied" are both past forms of "lie")."""
    forms = getInflection(lemma, tag="VBN" if participle else "VBD") or (lemma,)
    return surface.lower() if surface.lower() in forms else forms[0]


def verb_predicate(
    lemma: str, *, particle: str = "", preposition: str = "", passive: bool = False, surface: str = ""
) -> str:
    """The predicate for a verb: ``("found")`` -> ``FOUNDED``; ``("bear", preposition="in", passive=True)``
    -> ``BORN_IN``. ``surface`` is the verb as written when the text has a past form (``VBD``, ``VBN``).
    """
    lemma = lemma.lower()
    phrase = f"{lemma} {particle.lower()}".strip()
    if phrase in VERB_SYNONYMS:
        lemma, particle, surface = VERB_SYNONYMS[phrase], "", ""
    elif lemma in VERB_SYNONYMS:
        lemma, surface = VERB_SYNONYMS[lemma], ""
    head, _, rest = lemma.partition(" ")
    verb = " ".join(part for part in (_inflect(head, participle=passive, surface=surface), rest) if part)
    return normalise_predicate(f"{verb} {particle} {preposition}")


def noun_predicate(noun: str, preposition: str, *, modifiers: str = "") -> str:
    """The predicate for a relational noun: ``("capital", "of")`` -> ``CAPITAL_OF``; modifiers come first."""
    return normalise_predicate(f"{modifiers} {noun} {preposition}")
