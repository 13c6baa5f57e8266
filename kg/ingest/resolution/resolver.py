"""Entity resolution: which entity each mention of a batch names, and which entities the batch creates or
extends.

A mention resolves, in this order, to

1. the entity whose canonical name (or a known alias) has the same key ("the U.S." -> "US"), whatever type the NER
   model gave this sentence ("Aristotle" the person, "Aristotle" the organisation); a value also by type;
2. with alias rules on, the one entity it is a short form of ("Einstein" -> "Albert Einstein", "Harvard" ->
   "Harvard University") or an acronym of, or the acronym it spells out ("NATO" <-> "North Atlantic Treaty
   Organization");
3. with an embedder, the one entity of its type whose name embeds within ``similarity`` cosine of it, unless
   one name merely adds words to the other ("York", "New York"), their numbers differ ("World War I"), or they
   are two people of one family ("Hermann Einstein", "Albert Einstein");
4. otherwise a new entity, whose id :func:`~kg.ingest.resolution.names.entity_id` derives from its name.

The mentions of one name form one entity whatever their labels; the entity's type is the batch's most frequent
label here, and the graph's (``retype_entities``: the label most of its mentions carry) once written.

A step that finds two or more entities ends the search with a new entity: two known "Johnson"s keep a bare
"Johnson" apart from both, unless one of them is what a document of the batch is about (its title). Distinct names
are resolved longest first, so a batch gives the same answer whatever order its mentions come in, and a short form
finds the long name even when that comes later.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from trellis.kg.errors import ExtractionError
from trellis.kg.ingest.extraction.labels import LITERAL_TYPES
from trellis.kg.ingest.resolution.aliases import are_different_people, is_modifier_or_number_apart
from trellis.kg.ingest.resolution.catalogue import Catalogue, Entry
from trellis.kg.ingest.resolution.models import (
    EntityStatus,
    KnownEntity,
    Match,
    Resolution,
    ResolvedEntity,
    ResolvedMention,
    SurfaceForm,
)
from trellis.kg.ingest.resolution.names import (
    display_name,
    entity_id,
    identity,
    is_organization_type,
    is_person_type,
    may_be_a_person,
    name_key,
    name_tokens,
)
from trellis.kg.ingest.resolution.similarity import EmbedFunction, NameVectors
from trellis.kg.settings import Settings

__all__ = ["EmbedFunction", "EntityResolver"]

logger = logging.getLogger(__name__)

_PERSON = "Person"


@dataclass
class _Form:
    """The distinct names of a batch: every mention whose name has the same key (values: and the same type)."""

    key: str
    token_count: int
    displays: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)

    @property
    def type(self) -> str:
        """The label most of the mentions carry (ties: the first in sort order)."""
        return min(self.types, key=lambda label: (-self.types[label], label))

    @property
    def display(self) -> str:
        """The most frequent way the batch writes this name (ties: the first in sort order)."""
        return min(self.displays, key=lambda text: (-self.displays[text], text))


class EntityResolver:
    """Assigns the mentions of a batch to known or new entities; thresholds and rules are parameters."""

    def __init__(
        self, *, alias_rules: bool = True, embed: EmbedFunction | None = None, similarity: float = 0.92
    ) -> None:
        if not 0.0 < similarity <= 1.0:
            raise ValueError(f"similarity must lie in (0, 1], got {similarity}")
        self.alias_rules = alias_rules
        self.embed = embed
        self.similarity = similarity

    @classmethod
    def from_settings(cls, settings: Settings, *, embed: EmbedFunction | None = None) -> EntityResolver:
        """A resolver with alias rules on and the similarity threshold of ``settings``."""
        return cls(embed=embed, similarity=settings.resolution_similarity)

    def run(
        self, mentions: Sequence[SurfaceForm], known: Iterable[KnownEntity] = (), *, titles: Iterable[str] = ()
    ) -> Resolution:
        """Resolve ``mentions`` against ``known`` (the graph's entities) and against each other.

        ``titles`` are the titles of the documents the mentions come from: a short form that fits several entities
        is the one a title names ("Lincoln" in the article "Abraham Lincoln", which also names his father Thomas).
        """
        catalogue = Catalogue()
        title_keys = {name_key(display_name(title)) for title in titles}
        for entity in known:
            catalogue.add(_entry_of(entity))
        forms = _forms_of(mentions)
        vectors = None
        if self.embed is not None:
            vectors = NameVectors(self.embed, self.similarity)
            # Embed only names that may need it: values (dates, quantities) match by key alone, and a name the
            # graph already holds resolves exactly (its entity keeps the embedding it has).
            wanted = [
                form
                for form in forms.values()
                if form.type not in LITERAL_TYPES and len(catalogue.exact(form.key, form.type)) != 1
            ]
            vectors.prepare(((f.type, f.display) for f in wanted), catalogue.entries.values())
        assigned: dict[tuple[str, str], tuple[Entry, Match]] = {}  # by (identity, key)
        for form in sorted(forms.values(), key=lambda f: (-f.token_count, -len(f.key), f.type, f.key)):
            entry, match = self._resolve(form, catalogue, vectors, title_keys)
            for display in sorted(form.displays):
                catalogue.add_alias(entry, display)
            assigned[(identity(form.type), form.key)] = (entry, match)
        return _resolution(mentions, assigned)

    def _resolve(
        self, form: _Form, catalogue: Catalogue, vectors: NameVectors | None, title_keys: set[str]
    ) -> tuple[Entry, Match]:
        display = form.display
        steps: list[tuple[Match, Callable[[], set[str]]]] = [("exact", lambda: catalogue.exact(form.key, form.type))]
        if self.alias_rules:
            steps.append(("short_form", lambda: catalogue.short_form(display, form.type)))
            steps.append(("acronym", lambda: catalogue.acronym(display, form.type)))
        vector = None if vectors is None else vectors.vector(display)
        if vectors is not None:
            steps.append(("embedding", lambda: _near_duplicates(form, catalogue, vectors.near(form.type, display))))
        for match, step in steps:
            found = step()
            if len(found) == 1:
                return catalogue.entries[found.pop()], match
            titled = {e for e in found if match == "short_form" and name_key(catalogue.entries[e].name) in title_keys}
            if len(titled) == 1:
                return catalogue.entries[titled.pop()], match
            if len(found) > 1:
                logger.debug("%r (%s) fits %d entities by %s; kept apart", display, form.type, len(found), match)
                break
        new_id = entity_id(display, form.type)
        if new_id in catalogue.entries:  # a known entity whose stored name has drifted from its id
            return catalogue.entries[new_id], "exact"
        entry = Entry(id=new_id, name=display, type=form.type, embedding=vector)
        catalogue.add(entry)
        if vectors is not None and vector is not None:
            vectors.add(form.type, new_id, vector)
        return entry, "new"


def _near_duplicates(form: _Form, catalogue: Catalogue, similar: set[str]) -> set[str]:
    """The similar entities, less those a modifier or a number tells apart from the form ("York", "New York"), and
    people of the form's family ("Hermann Einstein" is not "Albert Einstein")."""
    words = name_tokens(form.display, form.type)
    person = is_person_type(form.type)
    near = set()
    for entry_id in similar:
        other = name_tokens(catalogue.entries[entry_id].name, form.type)
        if is_modifier_or_number_apart(words, other) or (person and are_different_people(words, other)):
            continue
        near.add(entry_id)
    return near


def _entry_of(entity: KnownEntity) -> Entry:
    embedding = None if entity.embedding is None else np.asarray(entity.embedding, dtype=np.float32)
    return Entry(
        id=entity.id,
        name=entity.name,
        type=entity.type,
        aliases=list(entity.aliases),
        known=True,
        embedding=embedding,
    )


def _forms_of(mentions: Sequence[SurfaceForm]) -> dict[tuple[str, str], _Form]:
    forms: dict[tuple[str, str], _Form] = {}
    for mention in mentions:
        display = display_name(mention.surface, mention.type)
        key = name_key(display, mention.type)
        if not key:
            raise ExtractionError(f"the mention {mention.surface!r} holds no name to resolve; drop it in the extractor")
        form = forms.get((identity(mention.type), key))
        if form is None:
            form = forms[(identity(mention.type), key)] = _Form(key, _length(display, mention.type))
        form.displays[display] += 1
        form.types[mention.type] += 1
    return forms


def _length(display: str, entity_type: str) -> int:
    """How many words a name has, as the rules read it: an organisation's "General Gage" may be a person's
    short form (one word), so it must come after the person's full name."""
    length = len(name_tokens(display, entity_type))
    if is_organization_type(entity_type) and may_be_a_person(display):
        return min(length, len(name_tokens(display, _PERSON)))
    return length


def _resolution(mentions: Sequence[SurfaceForm], assigned: dict[tuple[str, str], tuple[Entry, Match]]) -> Resolution:
    resolved: list[ResolvedMention] = []
    entities: dict[str, ResolvedEntity] = {}
    for mention in mentions:
        key = name_key(display_name(mention.surface, mention.type), mention.type)
        entry, match = assigned[(identity(mention.type), key)]
        resolved.append(
            ResolvedMention(
                surface=mention.surface, type=mention.type, entity_id=entry.id, name=entry.name, match=match
            )
        )
        if entry.id not in entities:
            status: EntityStatus = "new" if not entry.known else "updated" if entry.added_aliases else "unchanged"
            entities[entry.id] = ResolvedEntity(
                id=entry.id,
                name=entry.name,
                type=entry.type,
                aliases=list(entry.aliases),
                status=status,
                embedding=None if entry.embedding is None else [float(x) for x in entry.embedding],
            )
    return Resolution(mentions=resolved, entities=list(entities.values()))
