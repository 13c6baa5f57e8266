"""Mutations and subscriptions over the real server: an ingest job that completes (followed over WebSocket),
the new document answering questions, its deletion; askStream streaming an answer."""

from __future__ import annotations

import time
import uuid

from tests.support_api import READ_KEY, WRITE_KEY
from tests.support_graphql import data, subscribe
from trellis.retrieval import Retriever

INGEST = """
mutation($docs: [DocumentInput!]!) {
  ingestDocuments(documents: $docs) {
    __typename
    ... on IngestStarted { job { id status documents } }
    ... on OperationError { code message }
  }
}
"""
PROGRESS = (
    "subscription($id: ID!) { ingestProgress(jobId: $id) { status stage done total written failed message finished } }"
)
DELETE = """
mutation($id: ID!) {
  deleteDocument(id: $id) {
    __typename
    ... on DocumentDeleted { documentId chunks entities }
    ... on OperationError { code message }
  }
}
"""


def test_ingest_job_completes_then_the_document_answers_and_deletes(api_url: str, retriever: Retriever) -> None:
    document_id = f"api-test-{uuid.uuid4().hex[:8]}"
    text = "Zorblatt Keep is a fortress in Quenvale. Zorblatt Keep was built by Amara Velloc in 1821."
    started = data(api_url, INGEST, {"docs": [{"id": document_id, "title": "Zorblatt Keep", "text": text}]})
    result = started["ingestDocuments"]
    assert result["__typename"] == "IngestStarted" and result["job"]["documents"] == 1
    updates = subscribe(api_url, PROGRESS, {"id": result["job"]["id"]}, init={"Authorization": f"Bearer {READ_KEY}"})
    states = [m["payload"]["data"]["ingestProgress"] for m in updates if m["type"] == "next"]
    assert updates[-1]["type"] == "complete" and states[-1]["finished"]
    assert states[-1]["status"] == "SUCCEEDED" and states[-1]["written"] == 1, states[-1]
    try:
        hits = data(api_url, '{ search(text: "Zorblatt Keep fortress", k: 3) { chunk { documentId } } }')["search"]
        assert document_id in {hit["chunk"]["documentId"] for hit in hits}
        assert data(api_url, "query($id: ID!) { document(id: $id) { title } }", {"id": document_id})["document"] == {
            "title": "Zorblatt Keep"
        }
    finally:
        deleted = data(api_url, DELETE, {"id": document_id})["deleteDocument"]
    assert deleted["__typename"] == "DocumentDeleted" and deleted["chunks"] >= 1
    assert data(api_url, "query($id: ID!) { document(id: $id) { id } }", {"id": document_id})["document"] is None
    hits = data(api_url, '{ search(text: "Zorblatt Keep fortress", k: 3) { chunk { documentId } } }')["search"]
    assert document_id not in {hit["chunk"]["documentId"] for hit in hits}


def test_mutation_errors_are_union_members_with_clear_messages(api_url: str) -> None:
    missing = data(api_url, DELETE, {"id": "no-such-document"})["deleteDocument"]
    assert missing == {"__typename": "OperationError", "code": "NOT_FOUND", "message": missing["message"]}
    assert "no-such-document" in missing["message"]
    empty = data(api_url, INGEST, {"docs": []})["ingestDocuments"]
    assert empty["__typename"] == "OperationError" and empty["code"] == "INVALID_ARGUMENT"
    blank = data(api_url, INGEST, {"docs": [{"text": "   "}]})["ingestDocuments"]
    assert blank["code"] == "INVALID_ARGUMENT" and "no text" in blank["message"]
    twice = data(api_url, INGEST, {"docs": [{"id": "x", "text": "a"}, {"id": "x", "text": "b"}]})["ingestDocuments"]
    assert twice["code"] == "INVALID_ARGUMENT" and "twice" in twice["message"]


def test_ask_stream_sends_text_then_the_final_answer(api_url: str, retriever: Retriever) -> None:
    query = (
        "subscription($q: String!) { askStream(question: $q) "
        "{ token answer { text answerable citations { number } browserUrl } } }"
    )
    began = time.monotonic()
    messages = subscribe(
        api_url, query, {"q": "What is the capital of Albania?"}, headers={"Authorization": f"Bearer {WRITE_KEY}"}
    )
    assert time.monotonic() - began < 120
    events = [m["payload"]["data"]["askStream"] for m in messages if m["type"] == "next"]
    assert messages[-1]["type"] == "complete"
    tokens = [e["token"] for e in events if e["token"] is not None]
    final = events[-1]["answer"]
    assert tokens and final is not None and "".join(tokens).strip() == final["text"].strip()
    assert final["answerable"] and "Tirana" in final["text"] and final["citations"] and final["browserUrl"]
