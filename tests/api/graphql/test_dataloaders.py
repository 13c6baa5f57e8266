"""DataLoaders over the real server: nested fields of many parents cost one named query per batch, not one each;
and what a loader read lives for one operation, not for the WebSocket that carries it."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support_api import READ_KEY
from tests.support_graphql import data, subscribe
from trellis.retrieval import Retriever

DOCUMENT = "query($id: ID!) { document(id: $id) { id title } }"
INGEST = (
    "mutation($docs: [DocumentInput!]!) { ingestDocuments(documents: $docs) { ... on IngestStarted { job { id } } } }"
)
PROGRESS = "subscription($id: ID!) { ingestProgress(jobId: $id) { status finished } }"
DELETE = "mutation($id: ID!) { deleteDocument(id: $id) { __typename } }"


@pytest.fixture
def counted(retriever: Retriever) -> Iterator[Counter[str]]:
    """Names of the queries the store runs during the test (the real store, counted on the way through)."""
    names: Counter[str] = Counter()
    real = retriever.store.query

    def query(name: str, **parameters: Any) -> Any:
        names[name] += 1
        return real(name, **parameters)

    retriever.store.query = query  # type: ignore[method-assign]
    try:
        yield names
    finally:
        del retriever.store.query


def test_relations_of_a_page_of_entities_are_one_query(api_url: str, counted: Counter[str]) -> None:
    page = data(api_url, "{ entities(first: 20) { edges { node { id relations(first: 2) { triple } } } } }")
    assert len(page["entities"]["edges"]) == 20
    assert counted["retrieval_relations"] == 1


def test_documents_of_citations_and_chunks_are_batched(api_url: str, counted: Counter[str]) -> None:
    query = '{ search(text: "Albania capital Tirana", k: 6) { chunk { id document { id title } } } }'
    hits = data(api_url, query)["search"]
    assert len({hit["chunk"]["document"]["id"] for hit in hits}) >= 1
    assert counted["api_documents_by_ids"] == 1


def _operation(socket: ClientConnection, operation_id: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run one operation on an open graphql-transport-ws socket; its data."""
    socket.send(
        json.dumps({"id": operation_id, "type": "subscribe", "payload": {"query": query, "variables": variables}})
    )
    result: dict[str, Any] = {}
    while True:
        message = json.loads(socket.recv(timeout=120))
        if message["type"] == "ping":
            socket.send(json.dumps({"type": "pong"}))
        elif message["type"] == "next":
            assert not message["payload"].get("errors"), message
            result = message["payload"]["data"]
        elif message["type"] == "complete":
            return result
        else:
            raise AssertionError(message)


def test_a_socket_sees_a_write_made_between_its_operations(api_url: str) -> None:
    """The first operation loads a document that is not there yet; after it is ingested, the second operation on
    the same socket finds it (a loader kept for the socket would answer its cached "none")."""
    document_id = f"loader-{uuid.uuid4().hex[:8]}"
    ws_url = api_url.replace("http://", "ws://") + "/graphql"
    with connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=60) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {READ_KEY}"}}))
        assert json.loads(socket.recv(timeout=60))["type"] == "connection_ack"
        assert _operation(socket, "1", DOCUMENT, {"id": document_id}) == {"document": None}
        text = "Quillmoor Abbey stands on the Velder river. Quillmoor Abbey was founded by Ostra Penn."
        job = data(api_url, INGEST, {"docs": [{"id": document_id, "title": "Quillmoor Abbey", "text": text}]})
        updates = subscribe(
            api_url, PROGRESS, {"id": job["ingestDocuments"]["job"]["id"]}, init={"X-API-Key": READ_KEY}
        )
        assert [m for m in updates if m["type"] == "next"][-1]["payload"]["data"]["ingestProgress"]["finished"]
        try:
            found = _operation(socket, "2", DOCUMENT, {"id": document_id})
        finally:
            data(api_url, DELETE, {"id": document_id})
    assert found == {"document": {"id": document_id, "title": "Quillmoor Abbey"}}
