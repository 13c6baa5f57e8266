"""The tables of a Parquet export: their Arrow schemas, their partitioning, and the check that a file fits.

Each table is a folder of Parquet files (``part-<n>.parquet``, at most ``ROWS_PER_FILE`` rows each). Tables with a
natural category are Hive-partitioned by it (``relations/type=CAPITAL_OF/part-0.parquet``): the partition column
lives in the folder name, not in the files, as DuckDB, Polars, Spark and pyarrow expect. docs/exchange.md shows
every column; this module is what that page describes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from trellis.kg.errors import ExportFormatError

__all__ = ["ROWS_PER_FILE", "TABLE_NAMES", "Table", "check_file_schema", "table", "vector_type"]

ROWS_PER_FILE = 100_000
"""Rows of one Parquet file: big enough for fast scans, small enough to stream and to split work in Spark."""


def vector_type(dimensions: int) -> pa.DataType:
    """An embedding: a fixed-size list of float32 (DuckDB reads it as ``FLOAT[n]``, Polars as ``Array``)."""
    return pa.list_(pa.field("element", pa.float32()), dimensions)


@dataclass(frozen=True)
class Table:
    """One table of an export: its folder name, the columns of its files, and its Hive partition column if any."""

    name: str
    columns: pa.Schema
    partition: str | None = None

    @property
    def schema(self) -> pa.Schema:
        """Every column a reader sees: the file columns and, last, the partition column."""
        if self.partition is None:
            return self.columns
        return self.columns.append(pa.field(self.partition, pa.string(), nullable=False))


def _documents() -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("source", pa.string()),
            pa.field("title", pa.string()),
            pa.field("sha256", pa.string()),
            pa.field("ingested_at", pa.timestamp("us", tz="UTC")),
            pa.field("graph_version", pa.int64()),
            pa.field("metadata", pa.string()),  # JSON object: the loader's keys (format, bytes, url, ...)
        ]
    )


def _chunks(dimensions: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("document_id", pa.string(), nullable=False),
            pa.field("index", pa.int64()),
            pa.field("text", pa.string()),
            pa.field("start", pa.int64()),
            pa.field("end", pa.int64()),
            pa.field("tokens", pa.int64()),
            pa.field("section", pa.string()),
            pa.field("title", pa.string()),
            pa.field("previous", pa.string()),  # the chunk before it in its document (NEXT), null for the first
            pa.field("embedding", vector_type(dimensions)),
        ]
    )


def _entities(dimensions: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("aliases", pa.list_(pa.string())),
            pa.field("labels", pa.list_(pa.string())),  # every Neo4j label: Entity and the type's
            pa.field("embedding", vector_type(dimensions)),
        ]
    )


def _mentions() -> pa.Schema:
    return pa.schema(
        [
            pa.field("chunk_id", pa.string(), nullable=False),
            pa.field("entity_id", pa.string(), nullable=False),
            pa.field("start", pa.int64()),
            pa.field("end", pa.int64()),
            pa.field("surface", pa.string()),
            pa.field("label", pa.string()),  # what the NER model called this mention
        ]
    )


def _relations() -> pa.Schema:
    return pa.schema(
        [
            pa.field("subject_id", pa.string(), nullable=False),
            pa.field("object_id", pa.string(), nullable=False),
            pa.field("phrase", pa.string()),
            pa.field("confidence", pa.float64()),
            pa.field("evidence", pa.list_(pa.string())),  # chunk ids
            pa.field("documents", pa.list_(pa.string())),  # document ids
        ]
    )


def _training() -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("kind", pa.string()),
            pa.field("predicate", pa.string()),
            pa.field("question", pa.string()),
            pa.field("answer", pa.string()),
            pa.field("target", pa.string()),
            pa.field("anchor", pa.string()),
            pa.field("example", pa.string(), nullable=False),  # the example's JSON line, as the dataset holds it
        ]
    )


TABLE_NAMES = ("documents", "chunks", "entities", "mentions", "relations", "training_examples")
"""The tables in the order an import loads them (a chunk needs its document, a mention its chunk and entity)."""


def table(name: str, *, dimensions: int) -> Table:
    """The table called ``name`` of an export whose embeddings have ``dimensions`` floats."""
    match name:
        case "documents":
            return Table(name, _documents())
        case "chunks":
            return Table(name, _chunks(dimensions))
        case "entities":
            return Table(name, _entities(dimensions), partition="type")
        case "mentions":
            return Table(name, _mentions())
        case "relations":
            return Table(name, _relations(), partition="type")
        case "training_examples":
            return Table(name, _training(), partition="split")
    raise ExportFormatError(f"no table {name!r} in a Trellis export: the tables are {', '.join(TABLE_NAMES)}")


def _same_type(found: pa.DataType, wanted: pa.DataType) -> bool:
    """Equal types, a list's item name aside (pyarrow says ``item``, Spark and the Parquet spec ``element``)."""
    if pa.types.is_fixed_size_list(wanted):
        return (
            pa.types.is_fixed_size_list(found)
            and found.list_size == wanted.list_size
            and _same_type(found.value_type, wanted.value_type)
        )
    if pa.types.is_list(wanted):
        return pa.types.is_list(found) and _same_type(found.value_type, wanted.value_type)
    return bool(found.equals(wanted))


def check_file_schema(found: pa.Schema, expected: Table, *, where: str) -> None:
    """Refuse a file whose columns or types differ from its table's (names and types; nullability aside)."""
    wanted = {field.name: field.type for field in expected.columns}
    present = {field.name: field.type for field in found}
    for name, kind in wanted.items():
        if name not in present:
            raise ExportFormatError(f"{where} is not a Trellis {expected.name} table: it has no column {name!r}")
        if not _same_type(present[name], kind):
            raise ExportFormatError(
                f"{where} is not a Trellis {expected.name} table: column {name!r} is {present[name]}, expected {kind}"
            )
    extra = sorted(set(present) - set(wanted))
    if extra:
        raise ExportFormatError(f"{where} is not a Trellis {expected.name} table: unexpected column {extra[0]!r}")
