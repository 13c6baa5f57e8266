"""GraphQL over real HTTP and WebSocket for tests: httpx for queries and mutations, websockets for subscriptions."""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.support_api import WRITE_KEY


def gql(
    url: str, query: str, variables: dict[str, Any] | None = None, *, key: str | None = WRITE_KEY, timeout: float = 120
) -> httpx.Response:
    """POST one GraphQL operation to ``url``/graphql with ``key`` (None: no key)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=timeout
    )


def data(url: str, query: str, variables: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    """The ``data`` of a successful operation (asserts 200 and no errors)."""
    response = gql(url, query, variables, **options)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def subscribe(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    init: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
) -> list[dict[str, Any]]:
    """Run one subscription over graphql-transport-ws; returns every message after the ack, ending at complete
    or error."""
    ws_url = url.replace("http://", "ws://") + "/graphql"
    messages: list[dict[str, Any]] = []
    with connect(
        ws_url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers=headers or {},
        open_timeout=timeout,
    ) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": init or {}}))
        ack = json.loads(socket.recv(timeout=timeout))
        assert ack["type"] == "connection_ack", ack
        socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
        )
        while True:
            message = json.loads(socket.recv(timeout=timeout))
            if message["type"] == "ping":
                socket.send(json.dumps({"type": "pong"}))
                continue
            messages.append(message)
            if message["type"] in ("complete", "error"):
                return messages
