"""Errors of the retrieval layer, under the one Trellis root.

TrellisError (kg.errors)
└── RetrievalError               a question could not be answered as asked
    ├── EmptyQuestionError       the question is empty or only whitespace
    └── QuestionTooLongError     the question is longer than the configured limit
"""

from __future__ import annotations

from kg.errors import TrellisError

__all__ = ["EmptyQuestionError", "QuestionTooLongError", "RetrievalError"]


class RetrievalError(TrellisError):
    """A question could not be answered as asked."""


class EmptyQuestionError(RetrievalError):
    """The question is empty or only whitespace."""


class QuestionTooLongError(RetrievalError):
    """The question is longer than the configured limit."""
