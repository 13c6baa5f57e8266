"""Documents and their chunks: listed, by id, and which ids the graph does not hold."""

from __future__ import annotations

from collections.abc import Sequence

from trellis.api.services.types import StoredDocument
from trellis.kg.graph import GraphStore
from trellis.retrieval.search import fetch_passages
from trellis.retrieval.types import Passage

__all__ = ["chunks_by_ids", "document_chunks", "documents_by_ids", "list_documents", "missing_documents"]


def list_documents(store: GraphStore, *, offset: int = 0, limit: int) -> list[StoredDocument]:
    """The ingested documents, newest first, ``limit`` of them after the first ``offset``."""
    rows = store.query("list_documents", skip=offset, limit=limit)
    return [StoredDocument.model_validate(row) for row in rows]


def documents_by_ids(store: GraphStore, ids: Sequence[str]) -> list[StoredDocument]:
    """The documents among ``ids`` that exist (in no promised order)."""
    if not ids:
        return []
    rows = store.query("api_documents_by_ids", ids=list(ids), limit=len(ids))
    return [StoredDocument.model_validate(row) for row in rows]


def document_chunks(store: GraphStore, ids: Sequence[str], *, per_document: int) -> list[Passage]:
    """The first ``per_document`` chunks of each document of ``ids``, in reading order within each."""
    if not ids:
        return []
    rows = store.query("api_document_chunks", ids=list(ids), per_document=per_document, limit=per_document * len(ids))
    return [
        Passage(chunk_id=row["id"], document_id=row["document_id"], index=row["index"], text=row["text"] or "")
        for row in rows
    ]


def chunks_by_ids(store: GraphStore, ids: Sequence[str]) -> list[Passage]:
    """The chunks among ``ids`` that exist, with their text, section and document title."""
    return list(fetch_passages(store, ids).values())


def missing_documents(store: GraphStore, ids: Sequence[str]) -> list[str]:
    """The ids among ``ids`` of documents the graph does not hold, in their order."""
    known = {row["id"] for row in store.query("document_hashes", ids=list(ids))}
    return [document_id for document_id in ids if document_id not in known]
