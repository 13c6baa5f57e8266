"""Questions from the graph, in people's words: single-hop from typed relations, two-hop from chains, lists,
comparisons, and unanswerable ones (a relation type an entity lacks, or an entity no graph of real text holds).

Every question comes from the phrasings of its relation type (:mod:`training.phrasings`); a relation or chain that no
phrasing asks gives no question. Each spec names the entities its answer is (``answer_ids``), so that the example
reads their surfaces from the evidence passages. Pure functions of the relations read from Neo4j: the same
relations and seed give the same questions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from trellis.retrieval.types import Fact
from trellis.training.prompts import (
    INVENTED_NAMES,
    comparison_questions,
    join_names,
    list_questions,
    single_hop_questions,
    two_hop_questions,
)
from trellis.training.types import QuestionSpec

__all__ = ["QuestionPlan", "plan_questions"]

T = TypeVar("T")
_MAX_LIST = 5
_UNANSWERABLE_PER_PREDICATE = 4
_COMPARISONS_PER_PREDICATE = 40


class QuestionPlan:
    """How many phrasings per fact and how many questions of each kind to plan."""

    def __init__(self, *, phrasings: int = 2, max_two_hop: int = 300, max_unanswerable_share: float = 0.25) -> None:
        self.phrasings = phrasings
        self.max_two_hop = max_two_hop
        self.max_unanswerable_share = max_unanswerable_share


def _pick(options: Sequence[T], count: int, rng: random.Random) -> list[tuple[int, T]]:
    """``count`` of the options at random, each with its position (the template number)."""
    indexed = list(enumerate(options))
    rng.shuffle(indexed)
    return indexed[:count]


def _single_hop(relations: Sequence[Fact], plan: QuestionPlan, rng: random.Random) -> list[QuestionSpec]:
    specs = []
    for relation in relations:
        for template, (question, answer_id) in _pick(single_hop_questions(relation), plan.phrasings, rng):
            asks_object = answer_id == relation.object_id
            anchor = relation.subject_id if asks_object else relation.object_id
            specs.append(
                QuestionSpec(
                    kind="single_hop", question=question, answer=relation.object if asks_object else relation.subject,
                    answer_ids=[answer_id], predicate=relation.predicate, template=template, anchor=anchor,
                    entities=[relation.subject_id, relation.object_id], relations=[relation],
                )
            )  # fmt: skip
    return specs


def _two_hop(relations: Sequence[Fact], plan: QuestionPlan, rng: random.Random) -> list[QuestionSpec]:
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    for relation in relations:
        by_subject[relation.subject_id].append(relation)
    chains = [
        (first, second, questions)
        for first in relations
        for second in by_subject.get(first.object_id, [])
        if second.object_id not in (first.subject_id, first.object_id)
        and (questions := two_hop_questions(first, second))
    ]
    rng.shuffle(chains)
    specs = []
    for first, second, questions in chains[: plan.max_two_hop]:
        for template, question in _pick(questions, 1, rng):
            specs.append(
                QuestionSpec(
                    kind="two_hop", question=question, answer=second.object, answer_ids=[second.object_id],
                    predicate=f"{first.predicate}>{second.predicate}", template=template, anchor=first.subject_id,
                    entities=[first.subject_id, first.object_id, second.object_id], relations=[first, second],
                )
            )  # fmt: skip
    return specs


def _lists(relations: Sequence[Fact], rng: random.Random) -> list[QuestionSpec]:
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for relation in relations:
        groups[(relation.subject_id, relation.predicate)].append(relation)
    specs = []
    for (subject_id, predicate), members in sorted(groups.items()):
        chosen = sorted({m.object_id: m for m in members}.values(), key=lambda m: m.object)
        if not 2 <= len(chosen) <= _MAX_LIST:
            continue
        for template, question in _pick(list_questions(members[0].subject, predicate), 1, rng):
            specs.append(
                QuestionSpec(
                    kind="list", question=question, answer=join_names([m.object for m in chosen]),
                    answer_ids=[m.object_id for m in chosen], predicate=predicate, template=template,
                    anchor=subject_id, entities=[subject_id, *(m.object_id for m in chosen)], relations=chosen,
                )
            )  # fmt: skip
    return specs


def _comparisons(relations: Sequence[Fact], rng: random.Random) -> list[QuestionSpec]:
    by_predicate: dict[str, list[Fact]] = defaultdict(list)
    for relation in relations:
        by_predicate[relation.predicate].append(relation)
    specs = []
    for predicate, members in sorted(by_predicate.items()):
        objects_of: dict[str, set[str]] = defaultdict(set)
        for member in members:
            objects_of[member.subject_id].add(member.object_id)
        for relation in rng.sample(members, min(len(members), _COMPARISONS_PER_PREDICATE)):
            others = [
                m for m in members
                if m.subject_id != relation.subject_id and relation.object_id not in objects_of[m.subject_id]
                and m.subject_type == relation.subject_type and m.subject != relation.subject
            ]  # fmt: skip
            if not others:
                continue
            other = rng.choice(others)
            pair = [relation.subject, other.subject]
            rng.shuffle(pair)
            for template, question in _pick(
                comparison_questions(pair[0], pair[1], predicate=predicate, obj=relation.object), 1, rng
            ):
                specs.append(
                    QuestionSpec(
                        kind="comparison", question=question, answer=relation.subject,
                        answer_ids=[relation.subject_id], predicate=predicate, template=template,
                        anchor=relation.subject_id, relations=[relation],
                        entities=[relation.subject_id, other.subject_id, relation.object_id],
                    )
                )  # fmt: skip
    return specs


def _unanswerable(
    relations: Sequence[Fact], entities: Sequence[dict[str, str]], count: int, rng: random.Random
) -> list[QuestionSpec]:
    """Relation types asked of entities of the right type that lack them in the graph, and of invented entities."""
    has = {(r.subject_id, r.predicate) for r in relations} | {(r.object_id, r.predicate) for r in relations}
    examples = {r.predicate: r for r in relations}
    by_type: dict[str | None, list[dict[str, str]]] = defaultdict(list)
    for entity in entities:
        by_type[entity["type"]].append(entity)
    candidates: list[QuestionSpec] = []
    for predicate, relation in sorted(examples.items()):
        pool = [e for e in by_type.get(relation.subject_type, []) if (e["id"], predicate) not in has]
        chosen = [(e["id"], e["name"]) for e in rng.sample(pool, min(len(pool), _UNANSWERABLE_PER_PREDICATE))]
        chosen += [(name, name) for name in rng.sample(INVENTED_NAMES, 2)]
        for entity_id, name in chosen:
            fake = relation.model_copy(update={"subject": name, "subject_id": entity_id})
            questions = [question for question, _ in single_hop_questions(fake) if name in question]
            if not questions:
                continue
            template = rng.randrange(len(questions))
            candidates.append(
                QuestionSpec(kind="unanswerable", question=questions[template], predicate=predicate,
                             template=template, anchor=entity_id, entities=[entity_id])
            )  # fmt: skip
    rng.shuffle(candidates)
    return candidates[:count]


def plan_questions(
    relations: Sequence[Fact],
    entities: Sequence[dict[str, str]],
    *,
    plan: QuestionPlan | None = None,
    seed: int = 0,
) -> list[QuestionSpec]:
    """Every question the relations support, and unanswerable ones up to the plan's share of the total."""
    plan = plan or QuestionPlan()
    rng = random.Random(seed)
    answerable = [
        *_single_hop(relations, plan, rng),
        *_two_hop(relations, plan, rng),
        *_lists(relations, rng),
        *_comparisons(relations, rng),
    ]
    share = plan.max_unanswerable_share
    count = round(len(answerable) * share / (1 - share)) if share < 1 else len(answerable)
    return answerable + _unanswerable(relations, entities, count, rng)
