"""GraphQL's answer log: ``Query.answers`` (write keys) and ``Mutation.rateAnswer`` (any key that may ask).

Resolvers only; :mod:`api.graphql.queries` and :mod:`api.graphql.mutations` mount them. Both call the service layer
(:mod:`api.services.answers`, :mod:`api.services.feedback`) through :mod:`api.answer_records` off the event loop.
"""

from __future__ import annotations

import strawberry

from trellis.api.answer_records import rate
from trellis.api.errors import ApiError
from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.dataloaders import in_thread
from trellis.api.graphql.limits import page_size
from trellis.api.graphql.permissions import WriteScope
from trellis.api.graphql.types.feedback import AnswerRated, RateAnswerResult
from trellis.api.graphql.types.logged_answer import AnswerFilter, AnswerLogConnection, Rating, decode_answer_cursor
from trellis.api.graphql.types.results import OperationError
from trellis.api.services.answers import answer_page

__all__ = ["LogReader", "answers", "rate_answer"]


class LogReader(WriteScope):
    """The caller's key grants ``write``: the answer log shows every caller's questions."""

    message = "reading the answer log needs an API key with the 'write' scope"


async def answers(
    info: TrellisInfo, filter: AnswerFilter | None = None, first: int = 20, after: str | None = None
) -> AnswerLogConnection:
    """Logged answers, newest first, in Relay-style pages."""
    first = page_size(first, name="first", most=info.context.settings.api_max_page_size)
    cursor, state = decode_answer_cursor(after), info.context.state
    where = filter.to_domain() if filter is not None else None

    def read() -> AnswerLogConnection:
        state.answer_log.flush()
        page = answer_page(state.store, first=first, after=cursor, where=where)
        return AnswerLogConnection.from_domain(page.answers, has_next_page=page.has_next_page)

    return await in_thread(read)


async def rate_answer(
    info: TrellisInfo,
    answer_id: strawberry.ID,
    rating: Rating,
    correction: str | None = None,
    comment: str | None = None,
) -> RateAnswerResult:
    """Rate a logged answer UP or DOWN, with a correction (DOWN) and a comment."""
    state, principal = info.context.state, info.context.principal
    try:
        stored = await in_thread(
            lambda: rate(
                state,
                principal,
                interface="graphql",
                answer_id=str(answer_id),
                rating=rating.value,
                correction=correction,
                comment=comment,
            )
        )
    except ApiError as exc:
        return OperationError.from_domain(exc)
    return AnswerRated.from_domain(stored)
