"""What every interface does around an answer: log it under the caller's key name, and rate a logged one (with the
ratings counter of ``/metrics``). The work itself is the service layer's (:mod:`api.services.answers`,
:mod:`api.services.feedback`); this module only ties it to the app's state and the caller."""

from __future__ import annotations

from trellis.api.auth import Principal
from trellis.api.services.answers import Interface
from trellis.api.services.feedback import StoredFeedback, checked_rating, rate_answer
from trellis.api.state import AppState
from trellis.retrieval.types import Answer, AnswerOptions

__all__ = ["key_name", "log_answer", "rate"]


def key_name(principal: Principal | None) -> str:
    """The caller's key as the log names it: its label and a short digest, never the key."""
    if principal is None:
        return "anonymous"
    return f"{principal.label}:{principal.key_id}"


def log_answer(
    state: AppState,
    answer: Answer,
    principal: Principal | None,
    *,
    interface: Interface,
    options: AnswerOptions | None = None,
    answer_id: str | None = None,
) -> str | None:
    """Log ``answer`` (queued: it costs the request a row's building); its id, None when the log is off."""
    return state.answer_log.record(
        answer, interface=interface, key_name=key_name(principal), options=options, answer_id=answer_id
    )


def rate(
    state: AppState,
    principal: Principal | None,
    *,
    interface: Interface,
    answer_id: str,
    rating: str,
    correction: str | None = None,
    comment: str | None = None,
) -> StoredFeedback:
    """Check and store a rating (blocking: call it in a worker thread), and count it by the answer's model."""
    checked = checked_rating(
        answer_id, rating, correction=correction, comment=comment, most=state.settings.feedback_max_chars
    )
    stored = rate_answer(
        state.store,
        state.answer_log,
        checked,
        interface=interface,
        key_name=key_name(principal),
        key_id=principal.key_id if principal else "anonymous",
    )
    state.metrics.answer_ratings.labels(model=stored.model or "unknown", rating=stored.rating.lower()).inc()
    return stored
