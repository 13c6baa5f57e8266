"""Trellis training layer: examples from the graph, LoRA fine-tuning, evaluation against the base, the registry.

``DatasetBuilder`` makes examples with retrieval's own pipeline and prompt; ``finetune`` trains a LoRA adapter;
``evaluate`` scores base against fine-tuned; ``promote`` makes a run the local generator's model.
"""

from trellis.training.dataset import DatasetBuilder, DatasetOptions
from trellis.training.errors import (
    BaseModelNotFoundError,
    CorruptAdapterError,
    DatasetNotFoundError,
    EmptyGraphError,
    RunNotFoundError,
    TooFewExamplesError,
    TrainingError,
)
from trellis.training.evaluate import EvalConfig, evaluate
from trellis.training.finetune import FinetuneConfig, finetune
from trellis.training.registry import list_runs, promote, read_run
from trellis.training.types import DatasetStats, EvalMetrics, EvalReport, Example, RunMetadata

__all__ = [
    "BaseModelNotFoundError",
    "CorruptAdapterError",
    "DatasetBuilder",
    "DatasetNotFoundError",
    "DatasetOptions",
    "DatasetStats",
    "EmptyGraphError",
    "EvalConfig",
    "EvalMetrics",
    "EvalReport",
    "Example",
    "FinetuneConfig",
    "RunMetadata",
    "RunNotFoundError",
    "TooFewExamplesError",
    "TrainingError",
    "evaluate",
    "finetune",
    "list_runs",
    "promote",
    "read_run",
]
