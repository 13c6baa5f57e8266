"""Ingest and delete through the service against the real graph and index: sent texts become searchable
documents, and a deletion takes exactly them away."""

from __future__ import annotations

import uuid

import pytest

from trellis.api.errors import InvalidArgumentError, NotFoundError
from trellis.api.services.documents import missing_documents
from trellis.api.services.ingest import Ingestion, NewDocument, validate_documents
from trellis.api.services.search import search_passages
from trellis.retrieval import Retriever


def test_sent_texts_become_searchable_and_leave_exactly(retriever: Retriever) -> None:
    document = NewDocument(
        id=f"service-{uuid.uuid4().hex[:8]}",
        title="Quorvath",
        text="Quorvath is a small fictional island. Quorvath was mapped by the sailor Ida Brenn.",
    )
    ingestion = Ingestion(retriever.settings)
    chunks_before = len(retriever.chunk_index)
    outcome = ingestion.ingest(retriever, [document.record()], batch="service-test")
    assert (outcome.written, outcome.skipped, outcome.failed) == (1, 0, 0) and outcome.chunks >= 1
    assert search_passages(retriever, "Quorvath fictional island", k=3)[0].document_id == document.id
    again = ingestion.ingest(retriever, [document.record()], batch="service-test")
    assert (again.written, again.skipped) == (0, 1)
    removal = ingestion.delete(retriever, [document.id])
    assert removal.chunk_ids and missing_documents(retriever.store, [document.id]) == [document.id]
    assert len(retriever.chunk_index) == chunks_before
    with pytest.raises(NotFoundError, match=document.id):
        ingestion.delete(retriever, [document.id])


def test_a_failing_document_is_reported_without_server_paths(retriever: Retriever) -> None:
    outcome = Ingestion(retriever.settings).ingest(retriever, [{"id": "service-broken"}], batch="service-broken")
    assert outcome.failed == 1 and outcome.written == 0
    assert outcome.failures and all(
        "/tmp" not in failure and "trellis-api-ingest" not in failure for failure in outcome.failures
    )


def test_sent_documents_are_checked_before_any_work() -> None:
    with pytest.raises(InvalidArgumentError, match="no documents"):
        validate_documents([], most=5, max_bytes=100)
    with pytest.raises(InvalidArgumentError, match="appears twice"):
        validate_documents([NewDocument(text="a", id="x"), NewDocument(text="b", id="x")], most=5, max_bytes=100)
    with pytest.raises(InvalidArgumentError, match="larger than"):
        validate_documents([NewDocument(text="x" * 101)], most=5, max_bytes=100)
    assert NewDocument(text="hi", source="crm").record() == {
        "id": NewDocument(text="hi").record()["id"],
        "text": "hi",
        "metadata": {"origin": "crm"},
    }
