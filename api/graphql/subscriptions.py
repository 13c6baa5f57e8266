"""The Subscription root (graphql-transport-ws): an answer streamed as it is generated, and ingest progress."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import strawberry

from trellis.api.answer_limiter import Ticket
from trellis.api.answer_records import log_answer
from trellis.api.graphql.busy import ready
from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.fields import subscription
from trellis.api.graphql.permissions import ReadScope
from trellis.api.graphql.queries import answer_options, checked_id
from trellis.api.graphql.types.answer import Answer
from trellis.api.graphql.types.ask_event import AskEvent
from trellis.api.graphql.types.inputs import AskOptions
from trellis.api.graphql.types.job import IngestJob
from trellis.api.services.ask import stream_answer
from trellis.api.state import AppState
from trellis.retrieval.types import Answer as DomainAnswer
from trellis.retrieval.types import AnswerOptions

__all__ = ["Subscription"]

logger = logging.getLogger(__name__)
_POLL_SECONDS = 0.2
_DONE = object()


def _pieces(state: AppState, question: str, options: AnswerOptions) -> Iterator[str | DomainAnswer]:
    """Text pieces as the generator produces them, then the answer."""
    yield from stream_answer(state.retriever, question, options)


async def _from_thread(
    state: AppState, question: str, options: AnswerOptions, ticket: Ticket
) -> AsyncGenerator[Any, None]:
    """Run the (blocking) stream in a thread once ``ticket`` gets a slot, and hand its items to the event loop as
    they come. A cancelled subscription stops the stream at its next piece and frees the slot."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    cancelled = threading.Event()

    def produce() -> None:
        try:
            with ticket:
                for item in _pieces(state, question, options):
                    if cancelled.is_set():
                        return
                    loop.call_soon_threadsafe(queue.put_nowait, item)
        except Exception as exc:  # handed to the subscriber as a GraphQL error
            loop.call_soon_threadsafe(queue.put_nowait, exc)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _DONE)

    worker = threading.Thread(target=produce, name="trellis-ask-stream", daemon=True)
    worker.start()
    try:
        while (item := await queue.get()) is not _DONE:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        cancelled.set()  # the thread stops at its next piece and frees the slot as it leaves the ticket


@strawberry.type(description="Follow an answer as it is generated, or an ingest job as it runs.")
class Subscription:
    @subscription(
        permission_classes=[ReadScope], description="Pieces of the answer's text as generated, then the whole answer."
    )
    async def ask_stream(
        self, info: TrellisInfo, question: str, options: AskOptions | None = None
    ) -> AsyncGenerator[AskEvent, None]:
        chosen = answer_options(options)
        state = info.context.state
        internals, principal = info.context.shows_internals, info.context.principal
        ticket = await ready(info)  # no thread starts until a slot is free
        async for item in _from_thread(state, question, chosen, ticket):
            if isinstance(item, DomainAnswer):
                answer_id = log_answer(state, item, principal, interface="graphql", options=chosen)
                answer = Answer.from_domain(item, state.settings, internals=internals, answer_id=answer_id)
                yield AskEvent(answer=answer)
            else:
                yield AskEvent(token=str(item))

    @subscription(
        permission_classes=[ReadScope], description="An ingest job's state whenever it changes, until it finishes."
    )
    async def ingest_progress(self, info: TrellisInfo, job_id: strawberry.ID) -> AsyncGenerator[IngestJob, None]:
        job = info.context.state.jobs.get(checked_id(str(job_id), name="jobId"))
        seen = -1
        while True:
            finished = job.finished  # read first: the snapshot below is then at least this new
            if job.version != seen:
                seen = job.version
                yield IngestJob.from_domain(job)
            if finished:
                return
            await asyncio.sleep(_POLL_SECONDS)
