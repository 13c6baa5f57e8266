"""The catalogue the resolver consults: every entity known so far, indexed by what each alias rule looks up.

Names and aliases match whatever the type (:func:`~kg.ingest.resolution.names.identity`); the alias rules (short
forms, acronyms) look among entities of the mention's type, whose rules they are.

It starts from the entities the graph already holds and grows as a batch creates entities and adds aliases,
so a short form later in the batch finds a long name earlier in it. Every lookup answers with entity ids; the
resolver merges only when exactly one entity fits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from trellis.kg.ingest.resolution.aliases import (
    acronym_key,
    is_acronym_of,
    is_organization_short_form,
    is_person_short_form,
    organization_key,
    short_form_keys,
)
from trellis.kg.ingest.resolution.names import (
    acronym,
    identity,
    initials,
    is_organization_type,
    is_person_type,
    may_be_a_person,
    name_key,
    name_tokens,
    quoted_nickname,
    strip_legal_form,
)

__all__ = ["Catalogue", "Entry"]

_PERSON = "Person"


@dataclass
class Entry:
    """One entity while a batch is resolved: name, aliases (display forms), and whether the graph had it."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    known: bool = False
    embedding: np.ndarray | None = None
    added_aliases: int = 0
    keys: set[str] = field(default_factory=set)


class Catalogue:
    """Entities by exact key, by alias, by surname or organisation core, by initials and by acronym."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._by_name: dict[tuple[str, str], str] = {}
        self._by_alias: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._by_short_key: dict[tuple[str, tuple[str, ...]], set[tuple[str, str]]] = defaultdict(set)
        self._by_initials: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        self._by_acronym: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)

    def add(self, entry: Entry) -> None:
        """Register an entity under its name and every alias it already has."""
        self.entries[entry.id] = entry
        self._by_name.setdefault((identity(entry.type), name_key(entry.name, entry.type)), entry.id)
        for name in [entry.name, *entry.aliases]:
            self._index(entry, name)

    def add_alias(self, entry: Entry, surface: str) -> None:
        """Record a new way of writing an entity's name, unless it already has one with the same key."""
        if name_key(surface, entry.type) in entry.keys:
            return
        entry.aliases.append(surface)
        entry.added_aliases += 1
        self._index(entry, surface)

    def _index(self, entry: Entry, name: str) -> None:
        key = name_key(name, entry.type)
        entry.keys.add(key)
        self._by_alias[(identity(entry.type), key)].add(entry.id)
        for lookup in short_form_keys(name, entry.type):
            self._by_short_key[(entry.type, lookup)].add((entry.id, name))
        if len(name.split()) >= 2:
            for letters in {initials(name), initials(strip_legal_form(name))}:
                if len(letters) >= 2:
                    self._by_initials[(identity(entry.type), acronym_key(letters))].add((entry.id, name))
        if (spelled := acronym(name)) is not None:
            self._by_acronym[(identity(entry.type), acronym_key(spelled))].add((entry.id, name))

    def exact(self, key: str, entity_type: str) -> set[str]:
        """The entity whose name has this key, whatever its type (a value: of this type); failing that, every such
        entity with an alias of this key."""
        kind = identity(entity_type)
        if (found := self._by_name.get((kind, key))) is not None:
            return {found}
        return set(self._by_alias.get((kind, key), ()))

    def short_form(self, surface: str, entity_type: str) -> set[str]:
        """Entities ``surface`` is a short form of: by surname (people), less "University" (organisations).

        A bare or titled name the NER model called an organisation ("Lincoln", "General Gage") may also be a
        person's short form: the small model labels surnames so all the time. Both readings are looked up, and
        the resolver merges only when they find one entity between them.
        """
        tokens = name_tokens(surface, entity_type)
        if not tokens:
            return set()
        if is_person_type(entity_type):
            return self._person_short_form(surface, entity_type)
        if not is_organization_type(entity_type):
            return set()
        candidates = set(self._by_short_key.get((entity_type, organization_key(tokens)), ()))
        found = {
            entity for entity, name in candidates if is_organization_short_form(tokens, name_tokens(name, entity_type))
        }
        if may_be_a_person(surface):
            found |= self._person_short_form(surface, _PERSON)
        return found

    def _person_short_form(self, surface: str, entity_type: str) -> set[str]:
        tokens = name_tokens(surface, entity_type)
        candidates: set[tuple[str, str]] = set()
        for surname in short_form_keys(surface, entity_type):
            candidates |= self._by_short_key.get((entity_type, surname), set())
        return {
            entity
            for entity, name in candidates
            if is_person_short_form(tokens, name_tokens(name, entity_type), nickname=quoted_nickname(name))
        }

    def acronym(self, surface: str, entity_type: str) -> set[str]:
        """Entities whose name the acronym ``surface`` abbreviates, or whose acronym ``surface`` spells, whatever
        the NER label of either ("DRC" an organisation, "Democratic Republic of the Congo" a place)."""
        found = set()
        if (letters := acronym(surface)) is not None:
            found |= {
                e
                for e, name in self._by_initials.get((identity(entity_type), acronym_key(letters)), ())
                if is_acronym_of(surface, name)
            }
        if len(surface.split()) >= 2:
            for letters in {initials(surface), initials(strip_legal_form(surface))}:
                found |= {
                    e
                    for e, name in self._by_acronym.get((identity(entity_type), acronym_key(letters)), ())
                    if is_acronym_of(name, surface)
                }
        return found
