"""One bound on answer work for every way in: GraphQL ``ask``, ``askStream``, the chat route and MCP's ``ask``.

An answer is admitted or refused at once: at most ``slots`` are computed together and ``queue`` more wait for a
slot; past that, and after waiting ``wait_s`` for a slot, the caller gets :class:`~api.errors.ServerBusyError`
(HTTP 503 with ``Retry-After``, or a GraphQL error with code ``SERVER_BUSY``). Admission and the wait happen on the
event loop, so a flood of requests costs a counter each, not a worker thread each (searches keep their threads).

Waiting answers are served first come, first served: a freed slot is handed to the longest waiter, so under a
steady load every answer waits about as long as the queue ahead of it takes, and none is starved past ``wait_s``
while later ones are served.

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
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import NoReturn, TypeVar

from trellis.api.errors import ServerBusyError

__all__ = ["AnswerLimiter", "Ticket"]

T = TypeVar("T")


class _Waiter:
    """One answer in the queue; :meth:`grant` (under the limiter's lock) hands it a slot and wakes it."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self.future: asyncio.Future[None] | None = loop.create_future() if loop is not None else None
        self.event = threading.Event()

    def grant(self) -> None:
        self.event.set()
        if self._loop is not None and self.future is not None:
            self._loop.call_soon_threadsafe(_resolve, self.future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # a waiter that timed out or was cancelled has settled its own future
        future.set_result(None)


class AnswerLimiter:
    """At most ``slots`` answers computed at once and ``queue`` more waiting (first in, first served), shared by
    every caller of an app."""

    def __init__(self, *, slots: int, queue: int, wait_s: float) -> None:
        self.slots = slots
        self.capacity = slots + queue
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._free = slots
        self._waiters: deque[_Waiter] = deque()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Answers admitted and not yet released (computing or waiting)."""
        return self._admitted

    @property
    def waiting(self) -> int:
        """Answers admitted and waiting for a slot."""
        return len(self._waiters)

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

    def _take(self, loop: asyncio.AbstractEventLoop | None) -> _Waiter | None:
        """A free slot now (None), or this answer's place at the back of the queue."""
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return None
            waiter = _Waiter(loop)
            self._waiters.append(waiter)
            return waiter

    def _withdraw(self, waiter: _Waiter) -> bool:
        """Leave the queue; False when the slot was granted meanwhile (the caller then holds it)."""
        with self._lock:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                return False
            return True

    def _pass_on(self) -> None:
        """A slot came free: the longest waiter gets it, or it goes back to the pool."""
        with self._lock:
            if self._waiters:
                self._waiters.popleft().grant()
            else:
                self._free += 1

    def _release(self, holding: bool) -> None:
        with self._lock:
            self._admitted -= 1
        if holding:
            self._pass_on()


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
            waiter = limiter._take(None)
            if waiter is not None:
                waiter.event.wait(limiter.wait_s)
                if limiter._withdraw(waiter):
                    self._give_up()
            self._hold()
        return self

    async def ready(self) -> None:
        """Wait for a slot on the event loop, in turn, with no thread spent waiting."""
        limiter = self._limiter
        waiter = limiter._take(asyncio.get_running_loop())
        if waiter is not None:
            assert waiter.future is not None
            try:
                async with asyncio.timeout(limiter.wait_s):
                    await waiter.future
            except BaseException as exc:  # timed out or cancelled: leave the queue (or pass on a slot just granted)
                if not limiter._withdraw(waiter):
                    limiter._pass_on()
                if isinstance(exc, TimeoutError):
                    self._give_up()
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
                self._limiter._pass_on()
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
