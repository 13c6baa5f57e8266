"""Auth over the real server: 401 without a key, 403 for a read key on a mutation, WebSocket keys."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.support_api import READ_KEY
from tests.support_graphql import gql, subscribe

DELETE = 'mutation { deleteDocument(id: "nothing") { __typename } }'


def test_no_key_or_an_unknown_key_is_401(api_url: str) -> None:
    for key in (None, "not-a-key"):
        response = gql(api_url, "{ stats { documents } }", key=key)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert "key" in response.json()["error"]


def test_a_read_key_on_a_mutation_is_403_and_changes_nothing(api_url: str) -> None:
    response = gql(api_url, DELETE, key=READ_KEY)
    assert response.status_code == 403
    body = response.json()
    assert body["data"] is None and "'write' scope" in body["errors"][0]["message"]
    assert gql(api_url, "{ stats { documents } }", key=READ_KEY).status_code == 200


def test_x_api_key_header_works_too(api_url: str) -> None:
    response = httpx.post(
        f"{api_url}/graphql", json={"query": "{ stats { documents } }"}, headers={"X-API-Key": READ_KEY}
    )
    assert response.status_code == 200 and response.json()["data"]["stats"]["documents"] >= 1


def test_websocket_key_in_connection_init_or_headers(api_url: str) -> None:
    query = 'subscription { ingestProgress(jobId: "none") { status } }'
    for options in ({"init": {"Authorization": f"Bearer {READ_KEY}"}}, {"headers": {"X-API-Key": READ_KEY}}):
        messages = subscribe(api_url, query, **options)  # type: ignore[arg-type]
        assert [m["type"] for m in messages] == ["next", "complete"]
        assert "no ingest job 'none'" in json.dumps(messages[0]["payload"]["errors"])


def test_websocket_without_a_key_is_closed_before_any_operation(api_url: str) -> None:
    with connect(api_url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer wrong"}}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
