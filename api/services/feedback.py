"""Feedback on logged answers: a rating (UP or DOWN), a correction of a wrong answer and a comment.

Each rating is a ``(:Feedback {id, rating, correction, comment, at, interface, key_name})-[:ON]->(:Answer)``; the
answer carries its latest rating, correction and comment too, which the log's filters, the training dataset and the
evaluation of rated answers read. Any key that may ask may rate (an answer id is 128 random bits: knowing it is the
right to rate it); only write keys read the log. GraphQL's ``rateAnswer``, the chat route's ``POST /v1/feedback``,
the MCP ``rate_answer`` tool and ``trellis feedback`` all come here; :func:`checked_rating` holds the one set of
rules for what a rating may say.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from trellis.api.errors import InvalidArgumentError, NotFoundError
from trellis.api.services.answers import AnswerLog, LoggedAnswer
from trellis.kg.graph import GraphStore

__all__ = [
    "ANSWER_ID",
    "FeedbackEntry",
    "Rating",
    "RatingValue",
    "StoredFeedback",
    "checked_rating",
    "feedback_page",
    "rate_answer",
]

RatingValue = Literal["UP", "DOWN"]
ANSWER_ID = re.compile(r"^(ans|chatcmpl)-[0-9a-f]{32}$")
"""What an answer id looks like: ``ans-`` (GraphQL, MCP, CLI) or ``chatcmpl-`` (the chat route) and 32 hex digits."""


class Rating(BaseModel):
    """A checked rating of one answer."""

    answer_id: str
    rating: RatingValue
    correction: str | None = None
    comment: str | None = None


class StoredFeedback(BaseModel):
    """A rating as stored: its id and time, who gave it through which interface, and the rated answer's model."""

    id: str
    answer_id: str
    rating: RatingValue
    correction: str | None = None
    comment: str | None = None
    at: datetime
    interface: str
    key_name: str
    model: str | None = None
    adapter: str | None = None


def _text(value: str | None, *, name: str, most: int) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise InvalidArgumentError(f"'{name}' is empty: leave it out, or say what is right")
    if len(value) > most:
        raise InvalidArgumentError(f"'{name}' has {len(value):,} characters; the limit is {most:,}")
    return value.strip()


def checked_rating(
    answer_id: str, rating: str, *, correction: str | None = None, comment: str | None = None, most: int
) -> Rating:
    """The rating, or an :class:`InvalidArgumentError` naming what is wrong: an id this API cannot have made, a
    rating other than UP or DOWN, an empty correction or comment or one over ``most`` characters, or a correction
    on an UP (a correction says the answer was wrong)."""
    if not ANSWER_ID.match(answer_id):
        shown = answer_id[:40] + ("..." if len(answer_id) > 40 else "")
        raise InvalidArgumentError(
            f"{shown!r} is not an answer id: use the id an answer came with (ans-... or chatcmpl-...)",
            param="answer_id",
        )
    value: RatingValue
    if rating.strip().upper() == "UP":
        value = "UP"
    elif rating.strip().upper() == "DOWN":
        value = "DOWN"
    else:
        raise InvalidArgumentError("a rating is UP or DOWN", param="rating")
    fixed = _text(correction, name="correction", most=most)
    if fixed is not None and value == "UP":
        raise InvalidArgumentError("a correction goes with a DOWN rating: an UP says the answer was right")
    remark = _text(comment, name="comment", most=most)
    return Rating(answer_id=answer_id, rating=value, correction=fixed, comment=remark)


def rate_answer(
    store: GraphStore, log: AnswerLog, rating: Rating, *, interface: str, key_name: str, key_id: str
) -> StoredFeedback:
    """Store ``rating`` on its answer (answers still queued for the log are written first, so a fresh answer can be
    rated at once); :class:`NotFoundError` when no such answer is logged."""
    log.flush()
    at = datetime.now(UTC)
    rows = store.execute(
        "feedback_create",
        id=f"fb-{uuid.uuid4().hex}",
        at=at,
        interface=interface,
        key_name=key_name,
        key_id=key_id,
        **rating.model_dump(),
    )
    if not rows:
        raise NotFoundError(
            f"no answer with id {rating.answer_id!r} is logged: it was never given, the log was off, "
            "or retention removed it"
        )
    row = rows[0]
    return _stored(row["feedback"], answer_id=rating.answer_id, model=row["model"], adapter=row["adapter"])


def _stored(node: dict[str, Any], *, answer_id: str, model: str | None, adapter: str | None) -> StoredFeedback:
    at = node["at"]
    return StoredFeedback(
        **{k: v for k, v in node.items() if k in StoredFeedback.model_fields and k != "at"},
        at=(at.to_native() if hasattr(at, "to_native") else at).astimezone(UTC),
        answer_id=answer_id,
        model=model,
        adapter=adapter,
    )


class FeedbackEntry(BaseModel):
    """A rating with the answer it is on."""

    feedback: StoredFeedback
    answer: LoggedAnswer


def feedback_page(
    store: GraphStore,
    log: AnswerLog | None = None,
    *,
    rating: RatingValue | None = None,
    corrected: bool | None = None,
    offset: int = 0,
    limit: int,
) -> list[FeedbackEntry]:
    """Ratings, newest first, each with its answer."""
    if log is not None:
        log.flush()
    rows = store.query("feedback_page", rating=rating, corrected=corrected, skip=offset, limit=limit)
    entries = []
    for row in rows:
        answer = LoggedAnswer.from_row({"answer": row["answer"]})
        feedback = _stored(row["feedback"], answer_id=answer.id, model=answer.model, adapter=answer.adapter)
        entries.append(FeedbackEntry(feedback=feedback, answer=answer))
    return entries
