"""The stats summary of a dataset: counts per split, per kind and per predicate, what was dropped and why."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from trellis.training.types import DatasetStats, Example

__all__ = ["dataset_stats"]


def dataset_stats(examples: Sequence[Example], *, dropped: Mapping[str, int], data_hash: str = "") -> DatasetStats:
    """Counts of ``examples`` by split, kind (per split) and predicate (per split); distinct entities per split."""
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    predicates: dict[str, Counter[str]] = defaultdict(Counter)
    entities: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        kinds[example.kind][example.split] += 1
        predicates[example.predicate][example.split] += 1
        entities[example.split].update({example.anchor, *example.entities})
    return DatasetStats(
        total=len(examples),
        splits=dict(Counter(example.split for example in examples)),
        kinds={kind: dict(counts) for kind, counts in sorted(kinds.items())},
        predicates={predicate: dict(counts) for predicate, counts in sorted(predicates.items())},
        dropped={reason: count for reason, count in sorted(dropped.items()) if count},
        entities={split: len(names) for split, names in sorted(entities.items())},
        data_hash=data_hash,
    )
