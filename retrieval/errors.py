"""Errors of the retrieval layer, under the one Trellis root.

TrellisError (kg.errors)
└── RetrievalError                   a question could not be answered as asked
    ├── EmptyQuestionError           the question is empty or only whitespace
    ├── QuestionTooLongError         the question is longer than the configured limit
    ├── EvaluationDataError          an evaluation set is missing or malformed
    ├── SnapshotTooLargeError        the graph is past the snapshot's bound (the expansion reads Neo4j instead)
    └── GeneratorError               a generator could not be built or could not answer
        ├── LanguageModelNotFoundError   the language model named by the settings cannot be found or loaded
        ├── AdapterError             a LoRA adapter folder is missing or corrupt
        └── ChatModelError           the chat model or OpenAI-compatible endpoint failed or could not be reached
"""

from __future__ import annotations

from trellis.kg.errors import TrellisError

__all__ = [
    "AdapterError",
    "ChatModelError",
    "EmptyQuestionError",
    "EvaluationDataError",
    "GeneratorError",
    "LanguageModelNotFoundError",
    "QuestionTooLongError",
    "RetrievalError",
    "SnapshotTooLargeError",
]


class RetrievalError(TrellisError):
    """A question could not be answered as asked."""


class EmptyQuestionError(RetrievalError):
    """The question is empty or only whitespace."""


class QuestionTooLongError(RetrievalError):
    """The question is longer than the configured limit."""


class GeneratorError(RetrievalError):
    """A generator could not be built or could not answer."""


class LanguageModelNotFoundError(GeneratorError):
    """The language model named by the settings cannot be found or loaded."""


class AdapterError(GeneratorError):
    """A LoRA adapter folder is missing or corrupt."""


class ChatModelError(GeneratorError):
    """The chat model or OpenAI-compatible endpoint failed or could not be reached."""


class EvaluationDataError(RetrievalError):
    """An evaluation set is missing or malformed."""


class SnapshotTooLargeError(RetrievalError):
    """The graph holds more rows than a graph snapshot may (the expansion then reads Neo4j)."""
