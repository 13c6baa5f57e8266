"""The canonical relation schema: the relationship types the graph uses, and how an extracted phrase maps to one.

The types are data (``relation_types.yaml`` beside this module: a description, the usual subject and object
types, and the phrases that name each). An extracted relation keeps its phrase ("moved to") and gets a type
(``LIVED_IN``):

1. **Rules.** A type's own name ("BORN_IN", as an LLM extractor given the schema answers) is that type. The
   phrase, its first word with any preposition (``"wrote *"``) or its preposition after any word (``"* until"``)
   names one or more types; the
   first whose subject and object types fit the relation's ends wins (exact types first, then any name for a
   name: the NER model often calls a city an organisation). Dates and quantities are strict: "born in" 1879 is
   ``BORN_ON``, "born in" Ulm ``BORN_IN``. An inverse phrase ("son of") turns the relation round.
2. **Meaning.** A phrase no rule names is embedded and compared with every type's phrases; the nearest that fits
   the ends and clears ``threshold`` wins.
3. **The rest** is ``HAPPENED_ON`` when it ends at a date, ``HAS_QUANTITY`` at a number, else :data:`RELATED_TO`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files

import numpy as np
import yaml
from pydantic import BaseModel, Field

from trellis.kg.errors import ExtractionError
from trellis.kg.ingest.extraction.labels import LITERAL_TYPES

__all__ = ["RELATED_TO", "RelationSchema", "RelationType", "Typed", "load_schema"]

RELATED_TO = "RELATED_TO"
"""The type of a relation no rule and no meaning places (its phrase says what it is)."""

_DATE_FALLBACK = "HAPPENED_ON"
_QUANTITY_FALLBACK = "HAS_QUANTITY"
_ANY_PREPOSITION = " *"
_ANY_VERB = "* "
_PERSON = "Person"
_UNKNOWN = "Thing"
_REMEMBERED = 200_000
"""How many decisions the schema keeps before it forgets them all (a long ingest meets new phrases forever)."""
"""The type of a name the NER model did not type: it fits any name."""

Embed = Callable[[Sequence[str]], np.ndarray]


class RelationType(BaseModel):
    """One canonical relationship type."""

    name: str
    description: str
    subject: list[str]
    object: list[str]
    phrases: list[str] = Field(default_factory=list)
    inverse: list[str] = Field(default_factory=list)

    def fits(self, subject_type: str, object_type: str, *, exactly: bool) -> bool:
        """Whether a relation between ends of these types can have this type (see the module's docstring). A
        dated or counted subject is the one the type expects, but a person stands only where people do:
        "Gates founded Microsoft in 1975" dates an act of Gates (``HAPPENED_ON``), no founding of Gates."""
        dated = set(self.object) <= LITERAL_TYPES
        return _fits(subject_type, self.subject, exactly=exactly, person_strictly=dated) and _fits(
            object_type, self.object, exactly=exactly, person_strictly=False
        )


def _fits(kind: str, allowed: list[str], *, exactly: bool, person_strictly: bool) -> bool:
    if kind in LITERAL_TYPES or set(allowed) <= LITERAL_TYPES:
        return kind in allowed  # a date is a date
    if kind in allowed or kind == _UNKNOWN:
        return True
    return not exactly and not (person_strictly and kind == _PERSON) and any(a not in LITERAL_TYPES for a in allowed)


@dataclass(frozen=True)
class Typed:
    """An extracted relation's canonical type; ``inverse`` when subject and object must swap ("son of")."""

    type: str
    inverse: bool = False
    by: str = "rule"
    """How it was decided: ``rule``, ``meaning`` or ``fallback``."""


def phrase_of(predicate: str) -> str:
    """A predicate as the schema's phrases are written: ``MOVED_TO`` -> ``moved to``."""
    return " ".join(re.findall(r"[a-z0-9]+", predicate.lower()))


class RelationSchema:
    """The canonical types and the mapping of phrases onto them."""

    def __init__(self, types: Sequence[RelationType], *, threshold: float = 0.8) -> None:
        self.types = {t.name: t for t in types}
        self.threshold = threshold
        self._rules: dict[str, list[tuple[RelationType, bool]]] = {}
        for kind in types:
            for phrase, inverse in [*((p, False) for p in kind.phrases), *((p, True) for p in kind.inverse)]:
                key = (
                    (_ANY_VERB if phrase.startswith("*") else "")
                    + phrase_of(phrase)
                    + (_ANY_PREPOSITION if phrase.endswith("*") else "")
                )
                self._rules.setdefault(key, []).append((kind, inverse))
        self._decided: dict[tuple[str, str, str], Typed] = {}
        self._embedded: np.ndarray | None = None

    @classmethod
    def from_yaml(cls, text: str, *, threshold: float = 0.8) -> RelationSchema:
        """The schema a YAML document of ``NAME: {description, subject, object, phrases, inverse}`` describes."""
        try:
            data = yaml.safe_load(text)
            return cls([RelationType(name=name, **fields) for name, fields in data.items()], threshold=threshold)
        except (yaml.YAMLError, TypeError, AttributeError, ValueError) as error:
            raise ExtractionError(f"the relation schema is malformed: {error}") from error

    @property
    def names(self) -> list[str]:
        """Every type the graph may use, :data:`RELATED_TO` last."""
        return [*self.types, RELATED_TO]

    def type_of(self, phrase: str, subject_type: str, object_type: str, *, embed: Embed | None = None) -> Typed:
        """The canonical type of a relation with this phrase between ends of these types."""
        return self.type_all([(phrase, subject_type, object_type)], embed=embed)[0]

    def type_all(self, relations: Iterable[tuple[str, str, str]], *, embed: Embed | None = None) -> list[Typed]:
        """The canonical types of many ``(phrase, subject type, object type)`` at once: the phrases no rule
        places are embedded in one call. Decisions are remembered (up to :data:`_REMEMBERED`)."""
        keys = [(phrase_of(phrase), subject, obj) for phrase, subject, obj in relations]
        known = {key: self._decided[key] for key in dict.fromkeys(keys) if key in self._decided}
        undecided = [key for key in dict.fromkeys(keys) if key not in known]
        ruled = {key: self._by_rule(*key) for key in undecided}
        unruled = list(dict.fromkeys(key[0] for key, typed in ruled.items() if typed is None and key[0]))
        vectors = dict(zip(unruled, embed(unruled), strict=True)) if embed is not None and unruled else {}
        for phrase, subject, obj in undecided:
            meant = self._by_meaning(vectors[phrase], subject, obj, embed) if phrase in vectors and embed else None
            known[(phrase, subject, obj)] = ruled[(phrase, subject, obj)] or meant or _fallback(obj)
        if len(self._decided) + len(undecided) > _REMEMBERED:
            self._decided.clear()
        self._decided.update((key, known[key]) for key in undecided)
        return [known[key] for key in keys]

    def _by_rule(self, phrase: str, subject_type: str, object_type: str) -> Typed | None:
        named = self.types.get(phrase.upper().replace(" ", "_"))  # a type's own name (an LLM extractor's answer)
        if named is not None and named.fits(subject_type, object_type, exactly=False):
            return Typed(named.name)
        words = phrase.split(" ")
        options = [
            *self._rules.get(phrase, []),
            *self._rules.get(words[0] + _ANY_PREPOSITION, []),
            *(self._rules.get(_ANY_VERB + words[-1], []) if len(words) > 1 else []),
        ]
        for exactly in (True, False):
            for kind, inverse in options:
                ends = (object_type, subject_type) if inverse else (subject_type, object_type)
                if kind.fits(*ends, exactly=exactly):
                    return Typed(kind.name, inverse)
        return None

    def _by_meaning(self, vector: np.ndarray, subject_type: str, object_type: str, embed: Embed) -> Typed | None:
        best: tuple[float, Typed] | None = None
        for (kind, inverse), cosine in zip(self._examples, self._vectors(embed) @ vector, strict=True):
            ends = (object_type, subject_type) if inverse else (subject_type, object_type)
            if cosine >= self.threshold and kind.fits(*ends, exactly=False) and (best is None or cosine > best[0]):
                best = (float(cosine), Typed(kind.name, inverse, by="meaning"))
        return best[1] if best else None

    @cached_property
    def _examples(self) -> list[tuple[RelationType, bool]]:
        return [option for options in self._rules.values() for option in options]

    @cached_property
    def _phrases(self) -> list[str]:
        return [phrase.removesuffix(_ANY_PREPOSITION) for phrase, options in self._rules.items() for _ in options]

    def _vectors(self, embed: Embed) -> np.ndarray:
        if self._embedded is None:
            self._embedded = embed(self._phrases)
        return self._embedded


def _fallback(object_type: str) -> Typed:
    if object_type == "Date":
        return Typed(_DATE_FALLBACK, by="fallback")
    if object_type == "Quantity":
        return Typed(_QUANTITY_FALLBACK, by="fallback")
    return Typed(RELATED_TO, by="fallback")


@cache
def load_schema() -> RelationSchema:
    """The packaged schema (``relation_types.yaml``), read once per process."""
    return RelationSchema.from_yaml(files(__package__).joinpath("relation_types.yaml").read_text(encoding="utf-8"))
