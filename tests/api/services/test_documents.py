"""Documents and chunks against the real graph."""

from __future__ import annotations

from trellis.api.services.documents import (
    chunks_by_ids,
    document_chunks,
    documents_by_ids,
    list_documents,
    missing_documents,
)
from trellis.retrieval import Retriever


def test_documents_are_listed_and_read_by_id(retriever: Retriever) -> None:
    store = retriever.store
    listed = list_documents(store, limit=10)
    assert len(listed) == 5 and all(d.chunks >= 1 and d.title for d in listed)
    assert [d.id for d in list_documents(store, offset=1, limit=2)] == [d.id for d in listed[1:3]]
    by_id = documents_by_ids(store, [listed[0].id, "no-such-document"])
    assert [d.id for d in by_id] == [listed[0].id] and by_id[0].sha256 and len(by_id[0].sha256) == 64
    assert missing_documents(store, ["no-such-document", listed[0].id, "another"]) == ["no-such-document", "another"]
    assert documents_by_ids(store, []) == []


def test_chunks_come_in_reading_order_with_their_documents(retriever: Retriever) -> None:
    store = retriever.store
    ids = [d.id for d in list_documents(store, limit=2)]
    chunks = document_chunks(store, ids, per_document=2)
    for document_id in ids:
        own = [c for c in chunks if c.document_id == document_id]
        assert 1 <= len(own) <= 2 and [c.index for c in own] == list(range(len(own)))
        assert all(c.text for c in own)
    titled = chunks_by_ids(store, [chunks[0].chunk_id, "no-such-chunk"])
    assert [c.chunk_id for c in titled] == [chunks[0].chunk_id] and titled[0].title and titled[0].text
