"""Split examples into train, dev and test by entity: no entity of a test example occurs in train or dev, and no
entity of a dev example occurs in train.

Anchors (the entity a question is about) are dealt to the splits at random (seeded); a test example brings every
entity it touches into the test set, and train or dev examples that touch one of them are dropped.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from trellis.training.types import Example, Split

__all__ = ["cap_unanswerable", "split_by_entity"]


def _entities(examples: Sequence[Example]) -> set[str]:
    return {entity for example in examples for entity in (example.anchor, *example.entities)}


def split_by_entity(
    examples: Sequence[Example], *, dev_share: float = 0.1, test_share: float = 0.2, seed: int = 0
) -> tuple[list[Example], int]:
    """The examples with their split set, in train, dev, test order, and how many had to be dropped."""
    anchors = sorted({example.anchor for example in examples})
    random.Random(seed).shuffle(anchors)
    n_test = max(1, round(len(anchors) * test_share)) if test_share > 0 else 0
    n_dev = max(1, round(len(anchors) * dev_share)) if dev_share > 0 else 0
    deal: dict[str, Split] = {}
    for position, anchor in enumerate(anchors):
        deal[anchor] = "test" if position < n_test else "dev" if position < n_test + n_dev else "train"

    test = [e.model_copy(update={"split": "test"}) for e in examples if deal[e.anchor] == "test"]
    held = _entities(test)
    dev = [
        e.model_copy(update={"split": "dev"})
        for e in examples
        if deal[e.anchor] == "dev" and not held & {e.anchor, *e.entities}
    ]
    held |= _entities(dev)
    train = [
        e.model_copy(update={"split": "train"})
        for e in examples
        if deal[e.anchor] == "train" and not held & {e.anchor, *e.entities}
    ]
    kept = [*train, *dev, *test]
    return kept, len(examples) - len(kept)


def cap_unanswerable(examples: Sequence[Example], *, share: float, seed: int = 0) -> list[Example]:
    """The examples with unanswerable ones dropped (a seeded choice) until they are at most ``share`` of the rest.

    A split where two in five examples say "Not in the graph" teaches a small model that abstaining is always
    safe (a short CPU run learnt to abstain on most answerable test questions); training on a capped share keeps
    abstention for contexts that lack the answer. The order of the kept examples is unchanged.
    """
    answerable = [e for e in examples if e.answerable]
    unanswerable = [e for e in examples if not e.answerable]
    most = int(share * len(answerable) / (1 - share)) if share < 1 else len(unanswerable)
    if len(unanswerable) <= most:
        return list(examples)
    kept = {id(e) for e in random.Random(seed).sample(unanswerable, most)}
    return [e for e in examples if e.answerable or id(e) in kept]
