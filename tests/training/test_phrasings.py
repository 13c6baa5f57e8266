"""The natural phrasings of the canonical relation types: every type a person asks about has several, written for
people, and the questions built from them never name a relation type."""

from __future__ import annotations

import re

from trellis.kg.ingest.extraction.labels import LITERAL_TYPES
from trellis.kg.ingest.extraction.schema import RELATED_TO, load_schema
from trellis.retrieval.types import Fact
from trellis.training.phrasings import PHRASINGS, UNASKED
from trellis.training.prompts import comparison_questions, list_questions, single_hop_questions, two_hop_questions

_TEMPLATE_WORDS = re.compile(r"\b(entity|entities|relation|according to the graph)\b|[A-Z]{2,}_[A-Z]", re.I)


def test_every_schema_type_a_person_asks_about_has_phrasings() -> None:
    schema = load_schema()
    assert set(PHRASINGS) | set(UNASKED) == set(schema.names)
    assert not set(PHRASINGS) & set(UNASKED)
    assert RELATED_TO in UNASKED and all(reason for reason in UNASKED.values())


def test_phrasings_are_several_questions_for_people_both_ways_where_it_makes_sense() -> None:
    schema = load_schema()
    for name, phrasings in PHRASINGS.items():
        assert len(phrasings.object) >= 2, name
        for template in phrasings.object:
            assert "{subject}" in template and "{object}" not in template and template.endswith("?"), template
        for template in phrasings.subject:
            assert "{object}" in template and "{subject}" not in template and template.endswith("?"), template
        for template in (*phrasings.object, *phrasings.subject, phrasings.all_objects or ""):
            assert not _TEMPLATE_WORDS.search(template), template
        literal = set(schema.types[name].object) <= LITERAL_TYPES
        assert bool(phrasings.subject) != literal, f"{name}: asked subject-first exactly when its object is a name"
        if phrasings.object_noun is not None:
            assert "{subject}" in phrasings.object_noun and not phrasings.object_noun.endswith("?")


def _relation(subject: str, predicate: str, obj: str) -> Fact:
    return Fact(subject_id=subject.lower(), subject=subject, predicate=predicate, object_id=obj.lower(),
                         object=obj, evidence=["c1"])  # fmt: skip


def test_questions_read_as_people_write_them() -> None:
    born = _relation("Albert Einstein", "BORN_IN", "Ulm")
    asked = single_hop_questions(born)
    assert ("Where was Albert Einstein born?", "ulm") in asked
    assert ("Who was born in Ulm?", "albert einstein") in asked
    founded = _relation("Bill Gates", "FOUNDED", "Microsoft")
    assert ("Who founded Microsoft?", "bill gates") in single_hop_questions(founded)
    died = _relation("Aristotle", "DIED_ON", "322 BC")
    assert ("When did Aristotle die?", "322 bc") in single_hop_questions(died)
    assert all(answer == "322 bc" for _, answer in single_hop_questions(died)), "nobody asks who died in 322 BC"
    capital = _relation("Ulm", "CAPITAL_OF", "Alb-Donau")
    assert "What is the capital of the birthplace of Albert Einstein?" not in two_hop_questions(born, capital)
    assert "Of which country is the birthplace of Albert Einstein the capital?" in two_hop_questions(born, capital)
    assert two_hop_questions(_relation("X", "RELATED_TO", "Y"), capital) == []
    assert list_questions("Albania", "BORDERS") == ["Which countries border Albania?"]
    assert "Who founded Microsoft, Bill Gates or Paul Allen?" in comparison_questions(
        "Bill Gates", "Paul Allen", predicate="FOUNDED", obj="Microsoft"
    )
    for unasked in UNASKED:
        assert single_hop_questions(_relation("Albania", unasked, "1912")) == []
