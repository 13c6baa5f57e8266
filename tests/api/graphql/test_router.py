"""Production mode over the real server: no GraphiQL, no introspection, internal errors masked; requests carry ids.

An internal error is provoked by swapping the passage search that the ``search`` service builds for one that
fails with internal details; the server, its graph and every other part stay real.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.support_api import READ_KEY, serving
from tests.support_graphql import gql, subscribe
from trellis.api.app import create_app
from trellis.api.services import search as search_service
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

INTERNAL = "FAISS index /srv/trellis/secret.faiss unreadable; bolt://neo4j:hunter2@db-internal:7687"
SEARCH = '{ search(text: "Albania", k: 3) { score } }'


@pytest.fixture(scope="module")
def production_url(api_settings: Settings, session_retriever: Retriever) -> Iterator[str]:
    with serving(
        create_app(api_settings.model_copy(update={"api_production": True}), retriever=session_retriever)
    ) as url:
        yield url


def test_production_has_no_graphiql_and_no_introspection(production_url: str) -> None:
    page = httpx.get(f"{production_url}/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    assert httpx.get(f"{production_url}/graphql/static/graphiql.min.js").status_code >= 400
    body = gql(production_url, "{ __schema { queryType { name } } }", key=READ_KEY).json()
    assert body.get("data") is None and "introspection" in body["errors"][0]["message"].lower()
    answer = gql(production_url, "{ stats { documents } }", key=READ_KEY).json()
    assert answer["data"]["stats"]["documents"] >= 1
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert httpx.get(f"{production_url}{path}").status_code == 404, path


def test_production_still_says_what_the_caller_got_wrong(production_url: str) -> None:
    body = gql(production_url, '{ search(text: "x", k: 0) { score } }', key=READ_KEY).json()
    assert "'k' must be between 1 and" in body["errors"][0]["message"]
    refused = gql(production_url, 'mutation { deleteDocument(id: "nope") { __typename } }', key=READ_KEY)
    assert refused.status_code == 403 and "'write' scope" in refused.json()["errors"][0]["message"], refused.text


class _FailingSearch:
    """Stands in for PassageSearch: fails the way a broken index or driver would, with internal details."""

    def __init__(self, **_: object) -> None:
        pass

    def run(self, *_: object) -> list[object]:
        raise RuntimeError(INTERNAL)


def _fail(*_: object, **__: object) -> object:
    raise RuntimeError(INTERNAL)


def test_production_masks_internal_errors(
    production_url: str, api_url: str, session_retriever: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_service, "PassageSearch", _FailingSearch)
    monkeypatch.setattr(session_retriever, "stream_answer", _fail)
    developing = gql(api_url, SEARCH, key=READ_KEY).json()  # outside production the message helps the developer
    assert INTERNAL in developing["errors"][0]["message"]

    response = gql(production_url, SEARCH, key=READ_KEY)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None and [error["message"] for error in body["errors"]] == ["Unexpected error."]
    assert body["errors"][0]["path"] == ["search"]
    for leak in ("hunter2", "secret.faiss", "RuntimeError", "Traceback", "stacktrace", "exception"):
        assert leak not in response.text, response.text

    messages = subscribe(
        production_url,
        'subscription { askStream(question: "What is the capital of Albania?") { token } }',
        headers={"Authorization": f"Bearer {READ_KEY}"},
    )
    text = json.dumps(messages)
    assert "Unexpected error." in text and "hunter2" not in text and "RuntimeError" not in text, text


def test_production_websocket_refuses_introspection(production_url: str) -> None:
    ws_url = production_url.replace("http://", "ws://") + "/graphql"
    with connect(
        ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers={"X-API-Key": READ_KEY}
    ) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(socket.recv(timeout=30))["type"] == "connection_ack"
        socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ __schema { queryType { name } } }"}})
        )
        reply = json.loads(socket.recv(timeout=30))
    assert reply["type"] == "error" and "introspection" in reply["payload"][0]["message"].lower(), reply  # no data


def test_request_ids_are_echoed_or_made(api_url: str) -> None:
    given = httpx.get(f"{api_url}/healthz", headers={"X-Request-ID": "trace-42"})
    assert given.headers["x-request-id"] == "trace-42"
    made = httpx.get(f"{api_url}/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces" and len(made.headers["x-request-id"]) == 32


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": 5}', "must be a string"),
        (b"{}", "No GraphQL query"),
        (b'[{"query": "{ stats { documents } }"}]', "Batching is not enabled"),
        (b"{not json", "Unable to parse request body as JSON"),
    ],
)
def test_malformed_requests_get_graphql_json_errors(production_url: str, body: bytes, message: str) -> None:
    headers = {"Authorization": f"Bearer {READ_KEY}", "Content-Type": "application/json"}
    response = httpx.post(f"{production_url}/graphql", content=body, headers=headers)
    assert response.status_code == 400 and response.headers["content-type"].startswith("application/json")
    assert message in response.json()["errors"][0]["message"]
