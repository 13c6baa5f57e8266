"""The graph read out of Neo4j as Arrow record batches, one table at a time, in pages by id.

Each reader pages through one named ``export_*`` query (:func:`kg.ingest.journal.pages`, the same keyset paging the
index rebuild uses), so memory holds one page at a time whatever the size of the graph.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from trellis.kg.exchange.tables import Table
from trellis.kg.graph.store import GraphStore, Record
from trellis.kg.ingest.journal import pages

__all__ = ["TableReader", "graph_batches"]

TableReader = Callable[[GraphStore, Table], Iterator[pa.RecordBatch]]

_DOCUMENT_COLUMNS = ("id", "source", "title", "sha256", "ingested_at", "graph_version")


def vectors(values: Sequence[Sequence[float] | None], table: Table, column: str) -> pa.Array:
    """Embeddings as one fixed-size-list column (built from a float32 matrix, not float by float); None stays null."""
    kind = table.schema.field(column).type
    size = kind.list_size
    present = [value is not None for value in values]
    matrix = np.zeros((len(values), size), dtype=np.float32)
    if any(present):
        rows = [index for index, flag in enumerate(present) if flag]
        matrix[rows] = np.asarray([values[index] for index in rows], dtype=np.float32).reshape(len(rows), size)
    mask = None if all(present) else pa.array([not flag for flag in present])
    return pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel(), type=pa.float32()), type=kind, mask=mask)


def _batch(table: Table, rows: list[dict[str, Any]], *, vector_column: str | None = None) -> pa.RecordBatch:
    if vector_column is None:
        return pa.RecordBatch.from_pylist(rows, schema=table.schema)
    embeddings = [row.pop(vector_column) for row in rows]
    rest = pa.schema([field for field in table.schema if field.name != vector_column])
    plain = pa.RecordBatch.from_pylist(rows, schema=rest)
    columns = {name: plain.column(name) for name in rest.names}
    columns[vector_column] = vectors(embeddings, table, vector_column)
    return pa.RecordBatch.from_arrays([columns[name] for name in table.schema.names], schema=table.schema)


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    if not isinstance(native, datetime):
        return None
    return native.astimezone(UTC) if native.tzinfo else native.replace(tzinfo=UTC)


def _json_value(value: Any) -> Any:
    return value.iso_format() if hasattr(value, "iso_format") else str(value)


def _document_row(record: Record) -> dict[str, Any]:
    properties = dict(record["properties"])
    row = {name: properties.pop(name, None) for name in _DOCUMENT_COLUMNS}
    row["ingested_at"] = _timestamp(row["ingested_at"])
    row["metadata"] = json.dumps(properties, ensure_ascii=False, sort_keys=True, default=_json_value)
    return row


def documents(store: GraphStore, table: Table) -> Iterator[pa.RecordBatch]:
    for page in pages(store, "export_documents"):
        yield _batch(table, [_document_row(record) for record in page])


def chunks(store: GraphStore, table: Table) -> Iterator[pa.RecordBatch]:
    for page in pages(store, "export_chunks"):
        yield _batch(table, [dict(record) for record in page], vector_column="embedding")


def entities(store: GraphStore, table: Table) -> Iterator[pa.RecordBatch]:
    for page in pages(store, "export_entities"):
        yield _batch(table, [dict(record) for record in page], vector_column="embedding")


def mentions(store: GraphStore, table: Table) -> Iterator[pa.RecordBatch]:
    for page in pages(store, "export_mentions"):
        rows = [{"chunk_id": record["id"], **mention} for record in page for mention in record["mentions"]]
        if rows:
            yield _batch(table, rows)


def relations(store: GraphStore, table: Table) -> Iterator[pa.RecordBatch]:
    for page in pages(store, "export_relations"):
        rows = [{"subject_id": record["id"], **relation} for record in page for relation in record["relations"]]
        if rows:
            yield _batch(table, rows)


_READERS: dict[str, TableReader] = {
    "documents": documents,
    "chunks": chunks,
    "entities": entities,
    "mentions": mentions,
    "relations": relations,
}


def graph_batches(store: GraphStore, table: Table) -> Iterator[pa.RecordBatch]:
    """The batches of one graph table (documents, chunks, entities, mentions or relations)."""
    return _READERS[table.name](store, table)
