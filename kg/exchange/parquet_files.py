"""Reading and writing one table of an export as Parquet files with pyarrow's dataset writer.

Writing streams record batches into ``part-<n>.parquet`` files (zstd, at most ``ROWS_PER_FILE`` rows each,
Hive-partitioned when the table has a partition column). Reading first checks the footer of every listed file
against the table's schema, so an import refuses a file of another schema before it writes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from trellis.kg.errors import ExportFormatError
from trellis.kg.exchange.filesystems import Location, storage_errors
from trellis.kg.exchange.manifest import TableFiles
from trellis.kg.exchange.tables import ROWS_PER_FILE, Table, check_file_schema

__all__ = ["open_table", "read_batches", "write_table"]

_ROWS_PER_GROUP = 16_384


def _partitioning(table: Table) -> ds.Partitioning | None:
    if table.partition is None:
        return None
    return ds.partitioning(pa.schema([pa.field(table.partition, pa.string())]), flavor="hive")


def write_table(
    root: Location,
    table: Table,
    batches: Iterable[pa.RecordBatch],
    *,
    on_rows: Callable[[int], None] | None = None,
) -> TableFiles:
    """Write ``batches`` as the table's files under ``root/<table>``; returns the rows and the files written."""
    folder = root.child(table.name)
    written: list[str] = []
    rows = 0

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        for batch in batches:
            rows += batch.num_rows
            if on_rows is not None:
                on_rows(batch.num_rows)
            yield batch

    def visit(file: ds.WrittenFile) -> None:
        written.append(file.path.removeprefix(root.path.rstrip("/") + "/"))

    options = ds.ParquetFileFormat().make_write_options(compression="zstd")
    with storage_errors(root):
        ds.write_dataset(
            counted(),
            folder.path,
            schema=table.schema,
            format="parquet",
            file_options=options,
            filesystem=root.filesystem,
            partitioning=_partitioning(table),
            basename_template="part-{i}.parquet",
            max_rows_per_file=ROWS_PER_FILE,
            max_rows_per_group=_ROWS_PER_GROUP,
            existing_data_behavior="error",
            preserve_order=True,
            file_visitor=visit,
        )
        if not written and table.partition is None:  # an empty table is still a table readers can open
            name = f"{table.name}/part-0.parquet"
            root.filesystem.create_dir(folder.path)
            pq.write_table(table.columns.empty_table(), root.join(name), filesystem=root.filesystem)
            written.append(name)
    return TableFiles(rows=rows, files=written)  # in the order written


def open_table(root: Location, table: Table, files: TableFiles) -> ds.Dataset:
    """The listed files of a table as one dataset, each file's schema checked first (footers only)."""
    for name in files.files:
        where = f"{root.uri.rstrip('/')}/{name}"
        if not name.startswith(f"{table.name}/"):
            raise ExportFormatError(f"{where} is listed as part of the {table.name} table but lies outside it")
        if table.partition is not None and f"/{table.partition}=" not in f"/{name}":
            raise ExportFormatError(f"{where} lies in no {table.partition}=... folder of the {table.name} table")
        with storage_errors(root):
            try:
                found = pq.read_schema(root.join(name), filesystem=root.filesystem)
            except pa.ArrowInvalid as exc:
                raise ExportFormatError(f"{where} is not a Parquet file: {exc}") from None
        check_file_schema(found, table, where=where)
    with storage_errors(root):
        return ds.dataset(
            [root.join(name) for name in files.files],
            schema=table.schema,
            format="parquet",
            filesystem=root.filesystem,
            partitioning=_partitioning(table),
            partition_base_dir=root.join(table.name),
        )


def read_batches(root: Location, dataset: ds.Dataset, *, batch_size: int) -> Iterator[pa.RecordBatch]:
    """The dataset's rows in batches of at most ``batch_size``."""
    with storage_errors(root):
        yield from dataset.to_batches(batch_size=batch_size)
