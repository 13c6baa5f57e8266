"""A question as every way in receives it: cleaned of control characters, and refused when empty or too long."""

from __future__ import annotations

from trellis.retrieval.errors import EmptyQuestionError, QuestionTooLongError

__all__ = ["clean_question"]


def clean_question(question: str, *, max_chars: int) -> str:
    """The question with surrounding whitespace and control characters removed; refuses empty or long ones."""
    if not isinstance(question, str):
        raise EmptyQuestionError(f"the question must be text, got {type(question).__name__}")
    cleaned = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question).strip()
    if not cleaned:
        raise EmptyQuestionError("the question is empty: ask something, e.g. 'What is the capital of Albania?'")
    if len(cleaned) > max_chars:
        raise QuestionTooLongError(
            f"the question is {len(cleaned):,} characters long; the limit is {max_chars:,}: shorten it"
        )
    return cleaned
