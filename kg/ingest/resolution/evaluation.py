"""Scoring a resolver on labelled name pairs: does it put two names in one entity exactly when they are one?

A pairs file is JSON Lines, one ``{"a", "type_a", "b", "type_b", "same"}`` object a line
(``tests/data/entity_pairs.jsonl``). Each pair is resolved as a batch of its two mentions against an empty
catalogue, so a score measures the rules themselves, not what else the graph happens to hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from trellis.kg.ingest.resolution.models import Mention
from trellis.kg.ingest.resolution.names import display_name
from trellis.kg.ingest.resolution.resolver import EmbedFunction, EntityResolver

__all__ = ["EntityPair", "PairScores", "evaluate_pairs", "load_pairs"]


class EntityPair(BaseModel):
    """Two names with their types, and whether they name the same entity."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    a: str
    type_a: str
    b: str
    type_b: str
    same: bool


class PairScores(BaseModel):
    """Precision, recall and F1 of "same entity" decisions, with the counts and the pairs it got wrong."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    tn: int
    false_positives: list[EntityPair]
    false_negatives: list[EntityPair]


def load_pairs(path: Path | str) -> list[EntityPair]:
    """The labelled pairs of a JSON Lines file; blank lines are skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [EntityPair.model_validate(json.loads(line)) for line in lines if line.strip()]


class _CachedEmbedder:
    """An embedder that embeds each text once, the first batch of them all together."""

    def __init__(self, embed: EmbedFunction) -> None:
        self._embed = embed
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, np.asarray(self._embed(missing), dtype=np.float32), strict=True))
        return np.stack([self._vectors[text] for text in texts])


def evaluate_pairs(path: Path | str, resolver: EntityResolver) -> PairScores:
    """Score ``resolver`` on the pairs in ``path``; a pair counts as "same" when both names get one id.

    With an embedder, every name of the file is embedded once, in one batch, before the pairs are resolved.
    """
    pairs = load_pairs(path)
    if resolver.embed is not None:
        cached = _CachedEmbedder(resolver.embed)
        cached(sorted({display_name(p.a, p.type_a) for p in pairs} | {display_name(p.b, p.type_b) for p in pairs}))
        resolver = EntityResolver(alias_rules=resolver.alias_rules, embed=cached, similarity=resolver.similarity)
    tp = fp = fn = tn = 0
    false_positives: list[EntityPair] = []
    false_negatives: list[EntityPair] = []
    for pair in pairs:
        resolution = resolver.run(
            [Mention(surface=pair.a, type=pair.type_a), Mention(surface=pair.b, type=pair.type_b)]
        )
        predicted = resolution.mentions[0].entity_id == resolution.mentions[1].entity_id
        if predicted and pair.same:
            tp += 1
        elif predicted:
            fp += 1
            false_positives.append(pair)
        elif pair.same:
            fn += 1
            false_negatives.append(pair)
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(
        precision=precision,
        recall=recall,
        f1=f1,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        false_positives=false_positives,
        false_negatives=false_negatives,
    )
