"""Answer work under the app's :class:`~api.answer_limiter.AnswerLimiter`, as GraphQL sees it.

A refused answer is a GraphQL error with ``extensions: {code: "SERVER_BUSY", retryAfter: N}``, and an HTTP
response carries ``Retry-After`` too, so clients back off the way they would for a 503.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import to_thread
from graphql import GraphQLError

from trellis.api.answer_limiter import Ticket
from trellis.api.errors import ServerBusyError
from trellis.api.graphql.context import TrellisInfo

__all__ = ["admit", "busy_error", "limited", "ready"]

T = TypeVar("T")


def busy_error(info: TrellisInfo, exc: ServerBusyError) -> GraphQLError:
    """The GraphQL error for a refused answer; sets ``Retry-After`` on an HTTP response."""
    response = getattr(info.context, "response", None)
    if response is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return GraphQLError(str(exc), extensions={"code": "SERVER_BUSY", "retryAfter": exc.retry_after}, original_error=exc)


def admit(info: TrellisInfo) -> Ticket:
    """A ticket for one answer, or the SERVER_BUSY error when the limiter is full."""
    try:
        return info.context.state.answers.admit()
    except ServerBusyError as exc:
        raise busy_error(info, exc) from None


async def ready(info: TrellisInfo) -> Ticket:
    """A ticket holding a slot, waited for on the event loop; SERVER_BUSY when full or after too long a wait."""
    ticket = admit(info)
    try:
        await ticket.ready()
    except ServerBusyError as exc:
        raise busy_error(info, exc) from None
    return ticket


async def limited(info: TrellisInfo, work: Callable[[], T]) -> T:
    """``work()`` in a worker thread once a slot is free (waited for without a thread)."""
    ticket = await ready(info)

    def run() -> T:
        with ticket:
            return work()

    return await to_thread.run_sync(run)
