"""The MCP ``rate_answer`` tool through the real SDK client over streamable HTTP: an ``ask`` answer comes with its
id, a read key rates it, and bad ids, ratings and corrections are tool errors that say what to fix."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from tests.support_api import READ_KEY
from trellis.api.services.answers import answers_by_ids
from trellis.retrieval import Retriever

T = TypeVar("T")


def _over_http(url: str, work: Callable[[Client], Awaitable[T]]) -> T:
    async def run() -> T:
        http = httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=httpx2.Timeout(30.0, read=300.0)
        )
        async with http, Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
            return await work(client)

    return asyncio.run(run())


def _text(result: CallToolResult) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


def test_an_mcp_answer_is_rated_with_its_id(api_url: str, retriever: Retriever) -> None:
    async def work(client: Client) -> tuple[CallToolResult, CallToolResult, list[Any]]:
        asked = await client.call_tool("ask", {"question": "What is the capital of Albania?"})
        assert isinstance(asked.structured_content, dict)
        answer_id = asked.structured_content["answer_id"]
        rated = await client.call_tool(
            "rate_answer", {"answer_id": answer_id, "rating": "DOWN", "correction": "Tirana", "comment": "fine"}
        )
        return asked, rated, (await client.list_tools()).tools

    asked, rated, tools = _over_http(api_url, work)
    assert not rated.is_error and isinstance(rated.structured_content, dict), _text(rated)
    assert isinstance(asked.structured_content, dict)
    answer_id = asked.structured_content["answer_id"]
    assert rated.structured_content["answer_id"] == answer_id and rated.structured_content["rating"] == "DOWN"
    [logged] = answers_by_ids(retriever.store, [answer_id])
    assert (logged.interface, logged.rating, logged.correction) == ("mcp", "DOWN", "Tirana")
    tool = next(t for t in tools if t.name == "rate_answer")
    assert set(tool.input_schema["required"]) == {"answer_id", "rating"} and tool.description


def test_bad_ratings_are_tool_errors(api_url: str) -> None:
    cases = [
        ({"answer_id": f"ans-{uuid.uuid4().hex}", "rating": "UP"}, "no answer with id"),
        ({"answer_id": "ans-42", "rating": "UP"}, "not an answer id"),
        ({"answer_id": f"ans-{uuid.uuid4().hex}", "rating": "DOWN", "correction": ""}, "'correction' is empty"),
        ({"answer_id": f"ans-{uuid.uuid4().hex}", "rating": "DOWN", "correction": "y" * 100_000}, "100,000"),
        ({"answer_id": f"ans-{uuid.uuid4().hex}", "rating": "MAYBE"}, "rating"),
    ]

    async def work(client: Client) -> list[CallToolResult]:
        return [await client.call_tool("rate_answer", arguments) for arguments, _ in cases]

    for (arguments, problem), result in zip(cases, _over_http(api_url, work), strict=True):
        assert result.is_error and problem in _text(result), (arguments, _text(result)[:300])
