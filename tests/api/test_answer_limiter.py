"""One bound on answer work for every way in: the limiter's own rules with real threads, then the real app over
HTTP, where a full limiter refuses GraphQL ``ask``, ``askStream``, the chat route (whole and streamed) and MCP's
``ask`` with a 503 / SERVER_BUSY and ``Retry-After``, while ``/healthz`` still answers, and answers again once a
slot is free."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.support_api import READ_KEY, serving
from tests.support_graphql import gql, subscribe
from trellis.api.answer_limiter import AnswerLimiter
from trellis.api.app import create_app
from trellis.api.errors import ServerBusyError
from trellis.api.state import AppState
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

ASK = "query($q: String!) { ask(question: $q) { text answerable } }"
STREAM = "subscription($q: String!) { askStream(question: $q) { token answer { text } } }"
QUESTION = "What is the capital of Albania?"


def test_admission_is_bounded_by_slots_and_queue() -> None:
    limiter = AnswerLimiter(slots=1, queue=1, wait_s=0.2)
    first, second = limiter.admit(), limiter.admit()
    with pytest.raises(ServerBusyError) as refused:
        limiter.admit()
    assert refused.value.retry_after >= 1 and limiter.admitted == 2
    with first:
        with pytest.raises(ServerBusyError, match="no answer slot came free"), second:
            pass  # the one slot is held: the second waits wait_s, then gives up its place
        assert limiter.admitted == 1
    assert limiter.admitted == 0
    first.release()  # idempotent
    assert limiter.admitted == 0
    both = [limiter.admit(), limiter.admit()]  # both places free again
    for ticket in both:
        ticket.release()


def test_a_waiting_answer_gets_the_slot_when_it_frees_and_a_dropped_one_gives_it_back() -> None:
    limiter = AnswerLimiter(slots=1, queue=2, wait_s=30)
    holder = limiter.admit().__enter__()
    waiting, dropped = limiter.admit(), limiter.admit()
    entered = threading.Event()

    def wait_for_slot() -> None:
        with waiting:
            entered.set()

    worker = threading.Thread(target=wait_for_slot)
    worker.start()
    time.sleep(0.2)
    assert not entered.is_set(), "one slot: the second answer waits"
    dropped.release()  # a stream closed while queued
    holder.release()
    worker.join(timeout=10)
    assert entered.is_set() and limiter.admitted == 0
    with limiter.admit():  # the slot came back
        pass


def test_waiting_on_the_event_loop_takes_no_thread_and_gives_up_its_place() -> None:
    limiter = AnswerLimiter(slots=1, queue=2, wait_s=0.3)
    holder = limiter.admit().__enter__()

    async def wait() -> None:
        threads = threading.active_count()
        ticket = limiter.admit()
        with pytest.raises(ServerBusyError, match="no answer slot came free"):
            await ticket.ready()
        assert threading.active_count() == threads
        cancelled = limiter.admit()
        task = asyncio.ensure_future(cancelled.ready())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        holder.release()
        ready = limiter.admit()
        await ready.ready()  # the slot is free now
        with ready:  # holding already: entering does not wait again
            assert limiter.admitted == 1

    asyncio.run(wait())
    assert limiter.admitted == 0


def test_waiting_answers_are_served_in_the_order_they_came() -> None:
    """A freed slot goes to the longest waiter, on the event loop or in a thread; none is overtaken (before, waiters
    polled for the slot, so under a steady load some waited past ``wait_s`` while later ones were served)."""
    limiter = AnswerLimiter(slots=1, queue=8, wait_s=30)
    holder = limiter.admit().__enter__()
    served: list[str] = []

    def in_thread(name: str) -> None:
        with limiter.admit():
            served.append(name)
            time.sleep(0.01)

    async def queue_up() -> None:
        async def on_loop(name: str) -> None:
            ticket = limiter.admit()
            await ticket.ready()
            with ticket:
                served.append(name)
                await asyncio.sleep(0.01)

        tasks = []
        for name in ("a", "b", "c"):
            tasks.append(asyncio.ensure_future(on_loop(name)))
            await asyncio.sleep(0.02)
        thread = threading.Thread(target=in_thread, args=("d",))
        thread.start()
        await asyncio.sleep(0.05)
        tasks.append(asyncio.ensure_future(on_loop("e")))
        await asyncio.sleep(0.05)
        assert limiter.waiting == 5 and not served
        for _ in range(20):  # the queue keeps its order against fresh polls of a free slot
            await asyncio.sleep(0)
        holder.release()
        await asyncio.gather(*tasks)
        await asyncio.to_thread(thread.join, 10)

    asyncio.run(queue_up())
    assert served == ["a", "b", "c", "d", "e"] and limiter.admitted == 0 and limiter.waiting == 0


def test_a_waiter_that_leaves_the_queue_passes_on_a_slot_granted_as_it_left() -> None:
    limiter = AnswerLimiter(slots=1, queue=4, wait_s=30)
    holder = limiter.admit().__enter__()

    async def run() -> None:
        leaving, next_in_line = limiter.admit(), limiter.admit()
        first = asyncio.ensure_future(leaving.ready())
        await asyncio.sleep(0.02)
        second = asyncio.ensure_future(next_in_line.ready())
        await asyncio.sleep(0.02)
        holder.release()  # the slot is granted to the first waiter ...
        first.cancel()  # ... which is cancelled before it runs again: the slot must reach the second
        with pytest.raises(asyncio.CancelledError):
            await first
        await asyncio.wait_for(second, 5)
        next_in_line.release()

    asyncio.run(run())
    assert limiter.admitted == 0 and limiter.waiting == 0
    with limiter.admit():  # the one slot is free again
        pass


@pytest.fixture(scope="module")
def full(api_settings: Settings, session_retriever: Retriever) -> Iterator[tuple[str, AppState]]:
    """The app with one answer slot and no queue."""
    settings = api_settings.model_copy(update={"api_answer_slots": 1, "api_answer_queue": 0, "api_answer_wait_s": 5})
    app = create_app(settings, retriever=session_retriever)
    with serving(app) as url:
        yield url, app.state.trellis


def _chat(url: str, *, stream: bool) -> httpx.Response:
    body = {"model": "trellis", "messages": [{"role": "user", "content": QUESTION}], "stream": stream}
    models = httpx.get(f"{url}/v1/models", headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=60).json()
    body["model"] = models["data"][0]["id"]
    return httpx.post(
        f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=120
    )


def _mcp_ask(url: str) -> tuple[bool, str]:
    async def run() -> tuple[bool, str]:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=httpx2.Timeout(60.0))
        async with http, Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
            result = await client.call_tool("ask", {"question": QUESTION})
            return result.is_error, " ".join(getattr(block, "text", "") for block in result.content)

    return asyncio.run(run())


def test_every_way_in_is_refused_while_the_limiter_is_full_and_served_after(full: tuple[str, AppState]) -> None:
    url, state = full
    holder = state.answers.admit().__enter__()  # the one slot, as a long answer would hold it
    try:
        response = gql(url, ASK, {"q": QUESTION}, key=READ_KEY)
        assert response.status_code == 200 and response.headers["retry-after"].isdigit()
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "SERVER_BUSY" and error["extensions"]["retryAfter"] >= 1

        streamed = subscribe(url, STREAM, {"q": QUESTION}, headers={"Authorization": f"Bearer {READ_KEY}"})
        assert [message["type"] for message in streamed] == ["next", "complete"], streamed
        assert streamed[0]["payload"]["errors"][0]["extensions"]["code"] == "SERVER_BUSY"

        for stream in (False, True):
            chat = _chat(url, stream=stream)
            assert chat.status_code == 503 and chat.headers["retry-after"].isdigit(), chat.text
            assert chat.json()["error"]["type"] == "server_error"

        is_error, text = _mcp_ask(url)
        assert is_error and "try again" in text

        health = httpx.get(f"{url}/healthz", timeout=5)
        assert health.status_code == 200
        assert state.answers.admitted == 1, "every refusal gave its place back"
    finally:
        holder.release()
    answered = gql(url, ASK, {"q": QUESTION}, key=READ_KEY).json()
    assert "errors" not in answered and answered["data"]["ask"]["text"]
    lines = [line for line in _chat(url, stream=True).text.splitlines() if line.startswith("data: {")]
    assert json.loads(lines[-1][6:])["choices"][0]["finish_reason"] == "stop"
    assert state.answers.admitted == 0
