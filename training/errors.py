"""Errors of the training layer, under the one Trellis root.

TrellisError (kg.errors)
└── TrainingError                 graph-grounded training could not go on as asked
    ├── EmptyGraphError           the graph holds no typed relation to make examples from
    ├── TooFewExamplesError       too few examples for a split or a run
    ├── DatasetNotFoundError      no dataset at the given folder (or a file of it is unreadable)
    ├── BaseModelNotFoundError    the base model folder is missing or holds no usable model
    ├── CorruptAdapterError       a run's LoRA adapter is missing, unreadable or does not fit its base model
    └── RunNotFoundError          no run of that id in the model registry
"""

from __future__ import annotations

from trellis.kg.errors import TrellisError

__all__ = [
    "BaseModelNotFoundError",
    "CorruptAdapterError",
    "DatasetNotFoundError",
    "EmptyGraphError",
    "RunNotFoundError",
    "TooFewExamplesError",
    "TrainingError",
]


class TrainingError(TrellisError):
    """Graph-grounded training could not go on as asked."""


class EmptyGraphError(TrainingError):
    """The graph holds no typed relation to make examples from."""


class TooFewExamplesError(TrainingError):
    """Too few examples for a split or a training run."""


class DatasetNotFoundError(TrainingError):
    """No dataset at the given folder, or one of its files cannot be read."""


class BaseModelNotFoundError(TrainingError):
    """The base model folder is missing or holds no model transformers can load."""


class CorruptAdapterError(TrainingError):
    """A run's LoRA adapter is missing, unreadable, or does not fit its base model."""


class RunNotFoundError(TrainingError):
    """No run of that id in the model registry."""
