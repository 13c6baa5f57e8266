"""One bound on answer work for every way in: GraphQL ``ask``, ``askStream``, the chat route and MCP's ``ask``.

An answer is admitted or refused at once: at most ``slots`` are computed together and ``queue`` more wait for a
slot; past that, and after waiting ``wait_s`` for a slot, the caller gets :class:`~api.errors.ServerBusyError`
(HTTP 503 with ``Retry-After``, or a GraphQL error with code ``SERVER_BUSY``). Admission and the wait happen on the
event loop, so a flood of requests costs a counter each, not a worker thread each (searches keep their threads).

    ticket = limiter.admit()          # ServerBusyError when full
    await ticket.ready()              # a slot, waited for on the event loop
    with ticket:                      # in the worker thread: computes, then frees the slot
        answer = retriever.answer(question, options)

Callers already in a thread (MCP's tools) just enter the ticket, which then waits in that thread.

Releasing is idempotent, so a streamed answer can release both where it ends and where its stream is dropped.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import NoReturn, TypeVar

from trellis.api.errors import ServerBusyError

__all__ = ["AnswerLimiter", "Ticket"]

T = TypeVar("T")


class AnswerLimiter:
    """At most ``slots`` answers computed at once and ``queue`` more waiting, shared by every caller of an app."""

    def __init__(self, *, slots: int, queue: int, wait_s: float) -> None:
        self.slots = slots
        self.capacity = slots + queue
        self.wait_s = wait_s
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Answers admitted and not yet released (computing or waiting)."""
        return self._admitted

    @property
    def retry_after(self) -> int:
        """Seconds a refused caller is told to wait (``Retry-After``)."""
        return max(1, round(self.wait_s / 10))

    def admit(self) -> Ticket:
        """A ticket for one answer, or :class:`ServerBusyError` when ``slots + queue`` answers are already in."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise ServerBusyError(
                    f"the server is answering {self.capacity} questions already; try again shortly",
                    retry_after=self.retry_after,
                )
            self._admitted += 1
        return Ticket(self)

    def run(self, work: Callable[[], T]) -> T:
        """``work()`` under a ticket (for callers already in a worker thread, such as MCP's tools)."""
        with self.admit():
            return work()

    def _release(self, holding: bool) -> None:
        with self._lock:
            self._admitted -= 1
        if holding:
            self._free.release()


class Ticket:
    """One admitted answer: entering waits for a slot, leaving (or :meth:`release`) frees it and the admission."""

    def __init__(self, limiter: AnswerLimiter) -> None:
        self._limiter = limiter
        self._lock = threading.Lock()
        self._holding = False
        self._released = False

    def __enter__(self) -> Ticket:
        """Wait for a slot in this thread (unless :meth:`ready` already has one)."""
        if not self._holding:
            limiter = self._limiter
            if not limiter._free.acquire(timeout=limiter.wait_s):
                self._give_up()
            self._hold()
        return self

    async def ready(self) -> None:
        """Wait for a slot on the event loop, with no thread spent waiting (polled every few milliseconds)."""
        limiter = self._limiter
        deadline, delay = time.monotonic() + limiter.wait_s, 0.002
        try:
            while not limiter._free.acquire(blocking=False):
                if time.monotonic() >= deadline:
                    self._give_up()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)
        except BaseException:  # cancelled while waiting: the place goes back
            self.release()
            raise
        self._hold()

    def _give_up(self) -> NoReturn:
        self.release()
        limiter = self._limiter
        raise ServerBusyError(
            f"no answer slot came free within {limiter.wait_s:g} s; try again shortly", retry_after=limiter.retry_after
        )

    def _hold(self) -> None:
        with self._lock:
            if self._released:  # released while waiting (the stream was dropped): give the slot straight back
                self._limiter._free.release()
                raise ServerBusyError("the answer was cancelled", retry_after=self._limiter.retry_after)
            self._holding = True

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()

    def release(self) -> None:
        """Free the slot (if held) and the admission; later calls do nothing."""
        with self._lock:
            if self._released:
                return
            self._released = True
            holding, self._holding = self._holding, False
        self._limiter._release(holding)
