"""``trellis import parquet SRC``: an export loaded into an empty database, then FAISS rebuilt from it.

The story: read the manifest and check every listed file's schema (nothing is written before all are fine) -> make
sure the database is empty -> apply the schema -> load the tables in batches, in dependency order, with the named
queries of :mod:`kg.exchange.to_graph` (each a MERGE, so ``resume`` can finish an interrupted import of the same
export) -> rebuild both FAISS indexes from the embeddings now in Neo4j -> restore the training dataset when the
export has one and the target folder holds none.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow.dataset as ds
from pydantic import BaseModel, Field

from trellis.kg.errors import DatabaseNotEmptyError, ExportFormatError
from trellis.kg.exchange.filesystems import Location, check_bucket
from trellis.kg.exchange.manifest import MANIFEST_NAME, ExportManifest, TableFiles, parse_manifest
from trellis.kg.exchange.parquet_files import open_table, read_batches
from trellis.kg.exchange.tables import TABLE_NAMES, table
from trellis.kg.exchange.to_graph import STEPS
from trellis.kg.exchange.training_data import has_dataset, restore_dataset
from trellis.kg.graph.schema import apply_schema
from trellis.kg.graph.store import GraphStore
from trellis.kg.ingest.consistency import rebuild_indexes
from trellis.kg.lock import index_lock
from trellis.kg.progress import Progress

__all__ = ["ImportReport", "import_graph", "read_manifest"]

logger = logging.getLogger(__name__)


class ImportReport(BaseModel):
    """What an import loaded: rows per table, vectors per FAISS index, and the training examples restored."""

    rows: dict[str, int] = Field(default_factory=dict)
    vectors: dict[str, int] = Field(default_factory=dict)
    training_examples: int = 0
    training_folder: str | None = None


def read_manifest(source: Location) -> ExportManifest:
    """The export's manifest; ExportFormatError when ``source`` holds no Trellis export."""
    where = f"{source.uri.rstrip('/')}/{MANIFEST_NAME}"
    check_bucket(source)
    if not source.child(MANIFEST_NAME).exists():
        raise ExportFormatError(f"{source.uri} holds no Trellis export (no {MANIFEST_NAME}): export one there first")
    return parse_manifest(source.read_text(MANIFEST_NAME), where=where)


def _open_tables(source: Location, manifest: ExportManifest, dimensions: int) -> dict[str, ds.Dataset]:
    if manifest.embedding_dimensions != dimensions:
        raise ExportFormatError(
            f"{source.uri} holds embeddings of {manifest.embedding_dimensions} dimensions and the settings say "
            f"{dimensions}: import with the embedding model the export was made with"
        )
    unknown = sorted(set(manifest.tables) - set(TABLE_NAMES))
    if unknown:
        raise ExportFormatError(f"{source.uri} lists a table Trellis does not know: {unknown[0]!r}")
    return {
        name: open_table(source, table(name, dimensions=dimensions), manifest.tables.get(name, TableFiles()))
        for name in TABLE_NAMES
        if name in manifest.tables
    }


def _check_empty(store: GraphStore) -> None:
    counts = store.query("graph_counts")[0]
    if any(counts[kind] for kind in ("documents", "chunks", "entities", "relationships")):
        raise DatabaseNotEmptyError(
            f"the database at {store.uri} is not empty ({counts['documents']} documents, {counts['chunks']} chunks, "
            f"{counts['entities']} entities): import into an empty database, or pass --resume to finish an "
            "interrupted import of this same export"
        )


def import_graph(
    store: GraphStore,
    source: Location,
    *,
    training: Path | None = None,
    progress: Progress | None = None,
    resume: bool = False,
) -> ImportReport:
    """Load the export at ``source`` into the (empty) database of ``store`` and rebuild FAISS to match it."""
    settings = store.settings
    manifest = read_manifest(source)
    datasets = _open_tables(source, manifest, settings.embedding_dimensions)
    if not resume:
        _check_empty(store)
    apply_schema(store)
    report = ImportReport()
    with index_lock(settings):
        for step in STEPS:
            if step.table not in datasets:
                continue
            stage = f"import {step.table}" if step.query != "import_chunk_links" else "link chunks"
            if progress is not None:
                progress.stage(stage, manifest.tables[step.table].rows)
            written = 0
            for batch in read_batches(source, datasets[step.table], batch_size=settings.write_batch_size):
                rows = step.rows(batch)
                if rows:
                    store.write_batches(step.query, rows)
                written += len(rows)
                if progress is not None:
                    progress.advance(stage, batch.num_rows)
            report.rows.setdefault(step.table, written)
    report.vectors = rebuild_indexes(settings, store)
    if "training_examples" in datasets and manifest.training is not None and training is not None:
        if has_dataset(training):
            logger.warning("%s already holds a training dataset: the export's was not restored", training)
        else:
            batches = read_batches(source, datasets["training_examples"], batch_size=1_000)
            report.training_examples = restore_dataset(training, batches, manifest.training)
            report.training_folder = str(training)
    logger.info("imported %s from %s", report.rows, source.uri)
    return report
