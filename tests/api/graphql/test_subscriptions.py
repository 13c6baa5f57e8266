"""Subscriptions over one real WebSocket: at most ``api_max_subscriptions`` (4) operations in flight per socket; the
fifth is refused with an error while the first four go on to the end, and a slot freed is usable again.

Four ``ingestProgress`` subscriptions stay open on one ingest job that waits in the queue: the test holds the app's
one ingest worker until the fifth has been refused, then lets the job run (and deletes its document after).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support_api import READ_KEY, serving
from tests.support_graphql import data, gql
from trellis.api.app import create_app
from trellis.api.state import AppState
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

PROGRESS = "subscription($id: ID!) { ingestProgress(jobId: $id) { status finished written } }"
INGEST = """
mutation($docs: [DocumentInput!]!) {
  ingestDocuments(documents: $docs) { __typename ... on IngestStarted { job { id status } } }
}
"""
DELETE = "mutation($id: ID!) { deleteDocument(id: $id) { __typename } }"


@pytest.fixture(scope="module")
def served(api_settings: Settings, session_retriever: Retriever) -> Iterator[tuple[str, AppState]]:
    """A running API (default limits) and its state, whose ingest worker the test may hold."""
    app = create_app(api_settings, retriever=session_retriever)
    with serving(app) as url:
        yield url, app.state.trellis


def _receive(socket: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(socket.recv(timeout=120))
        if message["type"] == "ping":
            socket.send(json.dumps({"type": "pong"}))
            continue
        return message


def _subscribe(socket: ClientConnection, operation_id: str, job_id: str) -> None:
    payload = {"query": PROGRESS, "variables": {"id": job_id}}
    socket.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": payload}))


def test_a_fifth_operation_on_one_socket_is_refused_while_four_run(served: tuple[str, AppState]) -> None:
    url, state = served
    limit = state.settings.api_max_subscriptions
    assert limit == 4
    document_id = f"api-limit-{uuid.uuid4().hex[:8]}"
    gate = threading.Event()
    state.jobs._worker.submit(gate.wait)  # the one ingest worker waits here, so the job below stays queued
    try:
        docs = [{"id": document_id, "title": "Quillon Harbour", "text": "Quillon Harbour is a port in Vestmark."}]
        started = data(url, INGEST, {"docs": docs})["ingestDocuments"]
        assert started["__typename"] == "IngestStarted" and started["job"]["status"] == "QUEUED", started
        job_id = started["job"]["id"]
        ws_url = url.replace("http://", "ws://") + "/graphql"
        headers = {"Authorization": f"Bearer {READ_KEY}"}
        with connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers=headers) as socket:
            socket.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert _receive(socket)["type"] == "connection_ack"
            running = [str(number) for number in range(1, limit + 1)]
            for operation_id in running:
                _subscribe(socket, operation_id, job_id)
            first: dict[str, dict[str, Any]] = {}
            while len(first) < limit:  # each of the four has sent the queued state and waits for more
                message = _receive(socket)
                assert message["type"] == "next" and message["id"] in running, message
                first[message["id"]] = message["payload"]["data"]["ingestProgress"]
            assert all(state_["status"] == "QUEUED" for state_ in first.values()), first

            _subscribe(socket, "5", job_id)
            refused = _receive(socket)
            assert refused["id"] == "5" and refused["type"] == "error", refused
            assert "limit" in refused["payload"][0]["message"].lower(), refused

            gate.set()  # the job runs; the four follow it to its end
            last: dict[str, dict[str, Any]] = {}
            completed: set[str] = set()
            while completed != set(running):
                message = _receive(socket)
                assert message["id"] in running and message["type"] in ("next", "complete"), message
                if message["type"] == "complete":
                    completed.add(message["id"])
                else:
                    last[message["id"]] = message["payload"]["data"]["ingestProgress"]
            assert set(last) == set(running)
            assert all(s["finished"] and s["status"] == "SUCCEEDED" and s["written"] == 1 for s in last.values()), last

            _subscribe(socket, "6", job_id)  # the freed slots take new operations again
            again = [_receive(socket), _receive(socket)]
            assert [m["type"] for m in again] == ["next", "complete"] and again[0]["id"] == "6", again
    finally:
        gate.set()
        gql(url, DELETE, {"id": document_id})  # waits for the worker; NOT_FOUND when the job never wrote it
    assert data(url, "query($id: ID!) { document(id: $id) { id } }", {"id": document_id})["document"] is None
