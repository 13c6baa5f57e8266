"""Question planning and the split by entity: pure functions of the graph's relations."""

from __future__ import annotations

import re

from trellis.retrieval.types import Fact
from trellis.training.questions import QuestionPlan, plan_questions
from trellis.training.split import cap_unanswerable, split_by_entity
from trellis.training.types import Example


def _relation(subject: str, predicate: str, obj: str, subject_type: str = "Location") -> Fact:
    return Fact(
        subject_id=subject.lower(), subject=subject, subject_type=subject_type, predicate=predicate,
        object_id=obj.lower(), object=obj, object_type="Location", evidence=[f"c-{subject}"],
    )  # fmt: skip


RELATIONS = [
    _relation("Tirana", "CAPITAL_OF", "Albania"),
    _relation("Skopje", "CAPITAL_OF", "North Macedonia"),
    _relation("Albania", "BORDERS", "Greece"),
    _relation("Albania", "BORDERS", "Kosovo"),
    _relation("Mother Teresa", "BORN_IN", "Skopje", "Person"),
    _relation("Marie Curie", "BORN_IN", "Warsaw", "Person"),
]
ENTITIES = [
    {"id": "kosovo", "name": "Kosovo", "type": "Location"},
    {"id": "greece", "name": "Greece", "type": "Location"},
]


def test_every_kind_is_planned_in_natural_words_with_its_answer() -> None:
    specs = plan_questions(RELATIONS, ENTITIES, plan=QuestionPlan(phrasings=2), seed=1)
    kinds = {spec.kind for spec in specs}
    assert kinds == {"single_hop", "two_hop", "list", "comparison", "unanswerable"}
    chain = next(s for s in specs if s.kind == "two_hop" and s.anchor == "mother teresa")
    assert chain.answer == "North Macedonia" and "Mother Teresa" in chain.question
    assert [r.predicate for r in chain.relations] == ["BORN_IN", "CAPITAL_OF"]
    listed = next(s for s in specs if s.kind == "list")
    assert listed.answer == "Greece and Kosovo"
    assert all(not s.answer for s in specs if s.kind == "unanswerable")
    asked = {s.question for s in specs if s.kind == "single_hop" and s.predicate == "CAPITAL_OF"}
    assert len(asked) == 4  # two phrasings for each of the two capitals
    for spec in specs:
        assert not re.search(r"[A-Z]{2,}_[A-Z]|\b(entity|relation)\b", spec.question), spec.question
        if spec.kind != "unanswerable":
            named = {r.subject_id: r.subject for r in spec.relations} | {r.object_id: r.object for r in spec.relations}
            assert spec.answer_ids and " and ".join(named[i] for i in spec.answer_ids) == spec.answer, spec
    born = next(s for s in specs if s.kind == "single_hop" and s.anchor == "marie curie")
    assert born.question in {"Where was Marie Curie born?", "What is the birthplace of Marie Curie?",
                             "In which town was Marie Curie born?"} and born.answer_ids == ["warsaw"]  # fmt: skip
    assert plan_questions(RELATIONS, ENTITIES, seed=1) == plan_questions(RELATIONS, ENTITIES, seed=1)


def _example(anchor: str, *entities: str) -> Example:
    return Example(id=anchor + "-".join(entities), kind="single_hop", predicate="P", question=f"{anchor}?", answer="a",
                   target="a", messages=[], context="", anchor=anchor, entities=[anchor, *entities])  # fmt: skip


def test_no_test_entity_occurs_in_train() -> None:
    examples = [_example(f"e{i}", f"e{(i + 1) % 30}") for i in range(30)] + [_example(f"e{i}") for i in range(30)]
    kept, dropped = split_by_entity(examples, dev_share=0.1, test_share=0.2, seed=3)
    by_split = {split: {n for e in kept if e.split == split for n in e.entities} for split in ("train", "dev", "test")}
    assert by_split["test"] and by_split["train"]
    assert not by_split["test"] & by_split["train"] and not by_split["dev"] & by_split["train"]
    assert len(kept) + dropped == len(examples)


def test_unanswerable_examples_are_capped_to_their_share_in_order() -> None:
    answerable = [_example(f"a{i}") for i in range(8)]
    unanswerable = [_example(f"u{i}").model_copy(update={"kind": "unanswerable"}) for i in range(8)]
    mixed = [e for pair in zip(answerable, unanswerable, strict=True) for e in pair]
    kept = cap_unanswerable(mixed, share=0.2, seed=1)
    assert [e for e in kept if e.answerable] == answerable
    assert len([e for e in kept if not e.answerable]) == 2  # 2 of 10: 20%
    assert kept == [e for e in mixed if e in kept], "the order is kept"
    assert cap_unanswerable(mixed, share=0.2, seed=1) == kept, "the choice is seeded"
    assert cap_unanswerable(mixed, share=1.0) == mixed
    assert cap_unanswerable(answerable, share=0.2) == answerable
