"""The models that flow through training: graph relations, question specs, examples, stats, runs and metrics."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from trellis.retrieval.types import Fact

__all__ = [
    "DatasetStats",
    "EvalMetrics",
    "EvalReport",
    "Example",
    "ExampleKind",
    "QuestionSpec",
    "RunMetadata",
    "Split",
]

ExampleKind = Literal["single_hop", "two_hop", "list", "comparison", "unanswerable", "feedback"]
"""``feedback``: a user's correction of a logged answer (training/feedback.py), always in the train split."""
Split = Literal["train", "dev", "test"]


class QuestionSpec(BaseModel):
    """A question the graph answers (or, for ``unanswerable``, does not), before retrieval gives it a context.

    ``answer`` is the answer as the graph names it (empty for unanswerables); ``answer_ids`` are the entities it is,
    whose surfaces the example reads from the evidence passages; ``relations`` are the facts that support it, in
    chain order; ``entities`` are every entity id (or, for an invented entity, name) the question touches.
    """

    kind: ExampleKind
    question: str
    answer: str = ""
    answer_ids: list[str] = Field(default_factory=list)
    predicate: str
    template: int = 0
    anchor: str
    entities: list[str] = Field(default_factory=list)
    relations: list[Fact] = Field(default_factory=list)


class Example(BaseModel):
    """A supervised example: the chat messages the model reads (built at query time the same way) and its target."""

    id: str
    kind: ExampleKind
    split: Split = "train"
    predicate: str
    question: str
    answer: str
    target: str
    messages: list[dict[str, str]]
    context: str
    citations: list[int] = Field(default_factory=list)
    anchor: str
    entities: list[str] = Field(default_factory=list)
    relations: list[Fact] = Field(default_factory=list)

    @property
    def answerable(self) -> bool:
        """False for an example whose target is the abstention."""
        return self.kind != "unanswerable"


class DatasetStats(BaseModel):
    """Counts of a dataset: per split, per kind, per predicate, and what was dropped and why."""

    total: int = 0
    splits: dict[str, int] = Field(default_factory=dict)
    kinds: dict[str, dict[str, int]] = Field(default_factory=dict)
    predicates: dict[str, dict[str, int]] = Field(default_factory=dict)
    dropped: dict[str, int] = Field(default_factory=dict)
    entities: dict[str, int] = Field(default_factory=dict)
    data_hash: str = ""


class EvalMetrics(BaseModel):
    """How one model did on a split: exact match and F1 (percent), abstentions and cited relations."""

    model: str
    examples: int = 0
    exact_match: float = 0.0
    f1: float = 0.0
    abstention_accuracy: float | None = None
    false_abstentions: float | None = None
    cited_relations: int = 0
    valid_cited_relations: float | None = None
    seconds: float = 0.0


class EvalReport(BaseModel):
    """Base against fine-tuned on the same examples with the same contexts."""

    split: str
    examples: int
    run: str | None = None
    models: list[EvalMetrics] = Field(default_factory=list)
    created_at: datetime
    predictions: list[dict[str, str]] = Field(default_factory=list)


class RunMetadata(BaseModel):
    """What the registry keeps about a fine-tuning run next to its adapter."""

    run: str
    base_model: str
    base_model_path: Path
    adapter: Path
    dataset: Path
    data_hash: str
    examples: dict[str, int] = Field(default_factory=dict)
    config: dict[str, object] = Field(default_factory=dict)
    losses: list[dict[str, float]] = Field(default_factory=list)
    metrics: dict[str, object] = Field(default_factory=dict)
    created_at: datetime
    seconds: float = 0.0
    device: str = "cpu"
