"""Rows of an export's tables as the named write queries take them: the ingest's own ``upsert_*`` queries where
they write what an export holds, and ``import_*`` where an export holds more (an entity's every label, the NEXT
links between chunks written in any order). Every query MERGEs, so loading a batch twice changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = ["STEPS", "Step"]

Row = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """Write one table: each row of a batch becomes a row of the named ``UNWIND $rows`` query (None: skipped)."""

    table: str
    query: str
    row: Callable[[Row], Row | None]

    def rows(self, batch: pa.RecordBatch) -> list[Row]:
        return [converted for row in batch.to_pylist() if (converted := self.row(row)) is not None]


def _document(row: Row) -> Row:
    stamp = row["ingested_at"]
    return {
        "id": row["id"],
        "source": row["source"],
        "title": row["title"],
        "sha256": row["sha256"],
        "ingested_at": stamp.isoformat() if stamp is not None else None,
        "graph_version": row["graph_version"],
        "metadata": json.loads(row["metadata"] or "{}"),
    }


def _chunk(row: Row) -> Row:
    keep = ("id", "document_id", "index", "text", "start", "end", "tokens", "section", "embedding")
    return {**{name: row[name] for name in keep}, "previous": None}  # NEXT comes once every chunk exists


def _chunk_link(row: Row) -> Row | None:
    return {"id": row["id"], "previous": row["previous"]} if row["previous"] is not None else None


def _entity(row: Row) -> Row:
    return {name: row[name] for name in ("id", "name", "type", "aliases", "labels", "embedding")}


def _mention(row: Row) -> Row:
    return {name: row[name] for name in ("chunk_id", "entity_id", "start", "end", "surface", "label")}


def _relation(row: Row) -> Row:
    return {
        "subject_id": row["subject_id"],
        "predicate": row["type"],
        "object_id": row["object_id"],
        "evidence": row["evidence"] or [],
        "documents": row["documents"] or [],
        "confidence": row["confidence"],
        "phrase": row["phrase"],
    }


STEPS = (
    Step("documents", "upsert_documents", _document),
    Step("chunks", "upsert_chunks", _chunk),
    Step("chunks", "import_chunk_links", _chunk_link),
    Step("entities", "import_entities", _entity),
    Step("mentions", "upsert_mentions", _mention),
    Step("relations", "upsert_relations", _relation),
)
"""The graph's tables in the order they load: a chunk needs its document, a mention its chunk and its entity."""
