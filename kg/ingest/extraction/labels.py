"""Entity types: spaCy's OntoNotes labels mapped to the Neo4j labels the graph uses.

The graph labels each entity node with its type (``(:Entity:Person)``), so the names here are what an analyst
sees in Neo4j Browser. Labels missing from the map (``ORDINAL``, ``TIME``) are dropped: they make poor graph
nodes.
"""

from __future__ import annotations

import re

__all__ = ["LITERAL_TYPES", "PROPER_NOUN", "RESERVED_LABELS", "SPACY_LABELS", "entity_type", "neo4j_label"]

SPACY_LABELS: dict[str, str] = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Location",
    "LOC": "Location",
    "NORP": "Group",
    "FAC": "Facility",
    "EVENT": "Event",
    "WORK_OF_ART": "Work",
    "LAW": "Law",
    "PRODUCT": "Product",
    "LANGUAGE": "Language",
    "DATE": "Date",
    "CARDINAL": "Quantity",
    "QUANTITY": "Quantity",
    "MONEY": "Quantity",
    "PERCENT": "Quantity",
    "PROPER_NOUN": "Thing",
}
"""spaCy entity label -> Neo4j label; a label not listed here is dropped. ``PROPER_NOUN`` is ours: a proper noun
the NER model missed that ends a typed relation ("The capital of Ukraine is Kyiv")."""

PROPER_NOUN = "PROPER_NOUN"

LITERAL_TYPES: frozenset[str] = frozenset({"Date", "Quantity"})
"""Types that are values, not things: they may end a typed relation but never co-occur with anything."""

_KNOWN = {label.lower(): label for label in SPACY_LABELS.values()}

RESERVED_LABELS: frozenset[str] = frozenset({"Entity", "Document", "Chunk", "Answer"})
"""Labels the graph gives its own nodes: an entity type named so would make an entity look like one of them."""


def entity_type(spacy_label: str) -> str | None:
    """The Neo4j label for a spaCy entity label, or None when entities of that label are dropped."""
    return SPACY_LABELS.get(spacy_label)


def neo4j_label(name: str) -> str:
    """A free-form type name (from an LLM, say) as a PascalCase label: ``"sports team"`` -> ``SportsTeam``.

    spaCy labels map through :data:`SPACY_LABELS`, known labels keep their spelling, anything else is reduced
    to letters and digits; an empty result, or one of the graph's own labels (:data:`RESERVED_LABELS`: an LLM
    calling an entity a "document"), becomes ``Thing``.
    """
    if name in SPACY_LABELS:
        return SPACY_LABELS[name]
    if name.lower() in _KNOWN:
        return _KNOWN[name.lower()]
    words = re.findall(r"[A-Za-z0-9]+", name)
    label = "".join(word[:1].upper() + word[1:] for word in words)
    if not label or not label[0].isalpha() or label.lower() in {r.lower() for r in RESERVED_LABELS}:
        return "Thing"
    return label
