"""The MCP server through the real mcp SDK client: over streamable HTTP at /mcp behind the API keys, and over stdio
from `python -m trellis.api.cli mcp`; tools are listed and called against the real graph."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from tests.support import REPO, settings_env
from tests.support_api import READ_KEY, WRITE_KEY
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

T = TypeVar("T")
READ_TOOLS = {"ask", "search", "get_entity", "neighbors", "path"}


def _over_http(url: str, key: str, work: Callable[[Client], Awaitable[T]]) -> T:
    async def run() -> T:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=httpx2.Timeout(30.0, read=300.0))
        async with http, Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
            return await work(client)

    return asyncio.run(run())


def _structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def _error_text(result: CallToolResult) -> str:
    assert result.is_error
    return " ".join(getattr(block, "text", "") for block in result.content)


def test_the_tools_are_listed_with_schemas(api_url: str, retriever: Retriever) -> None:
    async def work(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in _over_http(api_url, READ_KEY, work)}
    assert set(tools) == READ_TOOLS | {"rate_answer", "ingest", "delete"}  # the test app enables the write tools
    assert tools["ask"].input_schema["required"] == ["question"]
    assert set(tools["path"].input_schema["properties"]) == {"source", "target", "max_hops"}
    assert all(tools[name].annotations and tools[name].annotations.read_only_hint for name in READ_TOOLS)
    assert tools["delete"].annotations and tools["delete"].annotations.destructive_hint
    assert all(tool.description for tool in tools.values())


def test_the_read_tools_answer_from_the_graph(api_url: str, retriever: Retriever) -> None:
    async def work(client: Client) -> dict[str, CallToolResult]:
        return {
            "ask": await client.call_tool("ask", {"question": "What is the capital of Albania?"}),
            "search": await client.call_tool("search", {"text": "capital of Albania", "k": 3}),
            "entity": await client.call_tool("get_entity", {"entity": "Albania"}),
            "neighbors": await client.call_tool("neighbors", {"entity": "Albania", "hops": 1, "limit": 50}),
            "path": await client.call_tool("path", {"source": "Tirana", "target": "Albania"}),
        }

    results = _over_http(api_url, READ_KEY, work)
    ask = _structured(results["ask"])
    assert ask["answer"].startswith("Tirana") and "[1]" in ask["answer"] and ask["answerable"]
    assert "(Tirana) -[CAPITAL_OF]-> (Albania)" in ask["relations"]
    cited = retriever.store.query("retrieval_chunks", ids=[source["chunk_id"] for source in ask["sources"]])
    assert any("Tirana is the capital of Albania" in row["text"] for row in cited)
    assert ask["browser_url"] is None, "a read key is not shown the server's Bolt and Browser addresses"
    operator = _structured(
        _over_http(
            api_url, WRITE_KEY, lambda client: client.call_tool("ask", {"question": "What is the capital of Albania?"})
        )
    )
    assert operator["browser_url"] and "cmd=edit" in operator["browser_url"]

    search = _structured(results["search"])
    assert 0 < len(search["passages"]) <= 3 and all(p["text"] and p["document_id"] for p in search["passages"])
    assert "Albania" in {entity["name"] for entity in search["entities"]}

    entity = _structured(results["entity"])
    assert entity["entity"]["name"] == "Albania" and entity["documents"]
    tirana = next(r for r in entity["relations"] if r["type"] == "CAPITAL_OF")
    assert tirana["target"] == entity["entity"]["id"] and tirana["evidence"]

    near = _structured(results["neighbors"])
    assert near["hops"] == 1 and {n["distance"] for n in near["neighbors"]} == {1}
    assert "Tirana" in {n["name"] for n in near["neighbors"]}
    assert any(r["type"] == "CAPITAL_OF" for r in near["relations"])

    path = _structured(results["path"])
    assert path["found"] and [e["name"] for e in path["entities"]] == ["Tirana", "Albania"]
    assert [r["type"] for r in path["relations"]] == ["CAPITAL_OF"]


def test_tool_errors_say_what_went_wrong(api_url: str, retriever: Retriever) -> None:
    async def work(client: Client) -> list[CallToolResult]:
        return [
            await client.call_tool("get_entity", {"entity": "Qwxzzy Nonexistent"}),
            await client.call_tool("ask", {"question": "   "}),
            await client.call_tool("neighbors", {"entity": "Albania", "hops": "many"}),
            await client.call_tool("path", {"source": "Tirana", "target": "Alain Connes", "max_hops": 1}),
            await client.call_tool("search", {"text": "x" * 5_000}),
        ]

    missing, empty, wrong_type, too_far, too_long = _over_http(api_url, READ_KEY, work)
    assert "no entity" in _error_text(missing)
    assert "empty" in _error_text(empty)
    assert "hops" in _error_text(wrong_type)
    assert _structured(too_far)["found"] is False
    assert "limit" in _error_text(too_long)


def test_write_tools_need_the_write_scope_and_change_the_graph(api_url: str, retriever: Retriever) -> None:
    document = {
        "id": "mcp-test-zorblax",
        "title": "Zorblax",
        "text": "Zorblax is a small fictional moon. Zorblax was charted by the astronomer Ada Quill.",
    }

    async def refused(client: Client) -> CallToolResult:
        return await client.call_tool("ingest", {"documents": [document]})

    assert "write" in _error_text(_over_http(api_url, READ_KEY, refused))

    async def work(client: Client) -> tuple[CallToolResult, ...]:
        ingested = await client.call_tool("ingest", {"documents": [document]})
        found = await client.call_tool("search", {"text": "Zorblax fictional moon", "k": 3})
        deleted = await client.call_tool("delete", {"document_id": document["id"]})
        after = await client.call_tool("search", {"text": "Zorblax fictional moon", "k": 3})
        return ingested, found, deleted, after

    ingested, found, deleted, after = _over_http(api_url, WRITE_KEY, work)
    assert _structured(ingested)["status"] == "succeeded" and _structured(ingested)["written"] == 1
    assert _structured(found)["passages"][0]["document_id"] == document["id"]
    assert _structured(deleted)["chunks"] >= 1
    assert document["id"] not in {p["document_id"] for p in _structured(after)["passages"]}


@pytest.mark.parametrize("key", [None, "not-a-key"], ids=["no key", "wrong key"])
def test_mcp_without_a_valid_key_gets_401(api_url: str, key: str | None) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    headers = {"Accept": "application/json, text/event-stream"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    response = httpx.post(f"{api_url}/mcp", json=initialize, headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.slow
def test_trellis_mcp_serves_the_tools_over_stdio(retrieval_settings: Settings, retriever: Retriever) -> None:
    assert retrieval_settings.neo4j_password is not None
    env = settings_env(retrieval_settings, TRELLIS_NEO4J_PASSWORD=retrieval_settings.neo4j_password.get_secret_value())
    server = StdioServerParameters(command=sys.executable, args=["-m", "trellis.api.cli", "mcp"], env=env, cwd=REPO)

    async def run() -> tuple[set[str], CallToolResult]:
        async with Client(server, read_timeout_seconds=300) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            return names, await client.call_tool("get_entity", {"entity": "Tirana"})

    names, tirana = asyncio.run(run())
    assert names == READ_TOOLS | {"rate_answer"}  # write tools only with --write or TRELLIS_MCP_WRITE_TOOLS
    entity = _structured(tirana)
    assert entity["entity"]["name"] == "Tirana"
    assert any(r["type"] == "CAPITAL_OF" for r in entity["relations"])
