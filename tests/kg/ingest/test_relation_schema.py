"""The canonical relation schema: at most ~100 types, each described, and extracted phrases mapped onto them by
rule, by meaning, or to a fallback, with the phrase kept."""

from __future__ import annotations

import numpy as np
import pytest

from trellis.kg.errors import ExtractionError
from trellis.kg.ingest.extraction.schema import RELATED_TO, RelationSchema, Typed, load_schema, phrase_of


def test_the_packaged_schema_is_small_and_described() -> None:
    schema = load_schema()
    assert len(schema.names) <= 100 and schema.names[-1] == RELATED_TO
    for kind in schema.types.values():
        assert kind.description and kind.subject and kind.object, kind.name
    assert {"BORN_IN", "DIED_IN", "CAPITAL_OF", "LOCATED_IN", "FOUNDED", "MEMBER_OF", "AUTHOR_OF"} <= set(schema.types)


@pytest.mark.parametrize(
    ("predicate", "subject", "obj", "expected"),
    [
        ("BORN_IN", "Person", "Location", Typed("BORN_IN")),
        ("BORN_IN", "Person", "Date", Typed("BORN_ON")),  # a date is a date
        ("BORN_IN", "Person", "Organization", Typed("BORN_IN")),  # the NER model's city-as-organisation
        ("MOVED_TO", "Person", "Location", Typed("LIVED_IN")),
        ("CAPITAL_OF", "Location", "Location", Typed("CAPITAL_OF")),
        ("SON_OF", "Person", "Person", Typed("PARENT_OF", inverse=True)),
        ("WROTE_ABOUT", "Person", "Person", Typed("DESCRIBES")),  # exact phrase before the head word's rule
        ("WROTE", "Person", "Work", Typed("AUTHOR_OF")),
        ("PUBLISHED", "Organization", "Work", Typed("PUBLISHER_OF")),  # the ends' exact types decide
        ("PUBLISHED", "Person", "Work", Typed("AUTHOR_OF")),
        ("HAS_POPULATION", "Location", "Quantity", Typed("HAS_POPULATION")),
        ("LIVED_IN", "Person", "Location", Typed("LIVED_IN")),  # a type's own name, as an LLM gives it
        ("FOUNDED_IN", "Organization", "Date", Typed("FOUNDED_ON")),
        ("USED_UNTIL", "Location", "Date", Typed("ENDED_ON")),  # the preposition after any verb
        ("RULED_SINCE", "Person", "Date", Typed("STARTED_ON")),
    ],
)
def test_a_phrase_maps_by_rule(predicate: str, subject: str, obj: str, expected: Typed) -> None:
    assert load_schema().type_of(predicate, subject, obj) == expected


def test_what_no_rule_names_falls_back_by_the_object() -> None:
    schema = load_schema()
    founded = schema.type_of("FOUNDED_IN", "Person", "Date")
    assert founded == Typed("HAPPENED_ON", by="fallback"), "a person's dated act dates no founding of the person"
    assert schema.type_of("GARGLED_IN", "Person", "Date") == Typed("HAPPENED_ON", by="fallback")
    assert schema.type_of("GARGLED", "Person", "Quantity") == Typed("HAS_QUANTITY", by="fallback")
    assert schema.type_of("GARGLED_AT", "Person", "Location") == Typed(RELATED_TO, by="fallback")


def test_meaning_maps_a_phrase_near_a_types_phrases_and_respects_the_ends() -> None:
    schema = RelationSchema.from_yaml(
        "LIVED_IN: {description: where someone lived, subject: [Person], object: [Location], phrases: [lived in]}\n"
        "BORN_ON: {description: birth date, subject: [Person], object: [Date], phrases: [born on]}\n",
        threshold=0.9,
    )
    vectors = {"lived in": [1.0, 0.0], "resided in": [0.95, 0.31], "born on": [0.0, 1.0], "sang": [0.6, 0.8]}

    def embed(texts: list[str]) -> np.ndarray:
        return np.array([vectors[t] for t in texts])

    assert schema.type_of("RESIDED_IN", "Person", "Location", embed=embed) == Typed("LIVED_IN", by="meaning")
    assert schema.type_of("RESIDED_IN", "Person", "Date", embed=embed).type == "HAPPENED_ON", "the ends must fit"
    assert schema.type_of("SANG", "Person", "Location", embed=embed).type == RELATED_TO, "below the threshold"


def test_phrases_and_a_malformed_schema() -> None:
    assert phrase_of("MOVED_TO") == "moved to" and phrase_of("Born in") == "born in"
    with pytest.raises(ExtractionError, match="malformed"):
        RelationSchema.from_yaml("BORN_IN: [not, a, mapping]")
    with pytest.raises(ExtractionError, match="malformed"):
        RelationSchema.from_yaml("BORN_IN: {description: x}")  # no subject or object
