"""``trellis export parquet DEST``: the graph, its embeddings and the training dataset as Parquet tables.

The story: check the destination (bucket, credentials, an empty folder) before reading anything -> write each table
into a staging folder beside the destination, holding the ingest lock so that no ingest or delete on this machine
changes the graph between pages -> write the manifest -> move it all into place. A failure at any
step removes the staging folder, so the destination either holds a whole export or nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from trellis.kg.errors import ExchangeError
from trellis.kg.exchange.filesystems import Location, check_bucket, commit, discard, staging_for
from trellis.kg.exchange.from_graph import graph_batches
from trellis.kg.exchange.manifest import MANIFEST_NAME, ExportManifest, TableFiles
from trellis.kg.exchange.parquet_files import write_table
from trellis.kg.exchange.tables import TABLE_NAMES, table
from trellis.kg.exchange.training_data import has_dataset, training_batches, training_files
from trellis.kg.graph.store import GraphStore
from trellis.kg.lock import index_lock
from trellis.kg.progress import Progress

__all__ = ["export_graph"]

logger = logging.getLogger(__name__)

_GRAPH_TABLES = TABLE_NAMES[:-1]  # all but training_examples, which comes from the dataset folder


def _check_destination(destination: Location) -> None:
    check_bucket(destination)
    if destination.files():
        raise ExchangeError(f"{destination.uri} already holds files: export into a new or empty folder")


def _advancer(progress: Progress | None, stage: str) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda rows: progress.advance(stage, rows)


def export_graph(
    store: GraphStore,
    destination: Location,
    *,
    training: Path | None = None,
    progress: Progress | None = None,
) -> ExportManifest:
    """Export the graph of ``store`` (and the dataset in ``training``, when it holds one) to ``destination``."""
    _check_destination(destination)
    dimensions = store.settings.embedding_dimensions
    counts = store.query("graph_counts")[0]
    staging = staging_for(destination)
    try:
        tables: dict[str, TableFiles] = {}
        with index_lock(store.settings):  # no ingest or delete on this machine changes the graph between pages
            for name in _GRAPH_TABLES:
                stage = f"export {name}"
                if progress is not None:
                    progress.stage(stage, int(counts.get(name) or 0))
                shape = table(name, dimensions=dimensions)
                batches = graph_batches(store, shape)
                tables[name] = write_table(staging, shape, batches, on_rows=_advancer(progress, stage))
        dataset = None
        if training is not None and has_dataset(training):
            examples = table("training_examples", dimensions=dimensions)
            tables[examples.name] = write_table(staging, examples, training_batches(training, examples))
            dataset = training_files(training)
        manifest = ExportManifest(
            created_at=datetime.now(UTC), embedding_dimensions=dimensions, tables=tables, training=dataset
        )
        staging.write_text(MANIFEST_NAME, manifest.model_dump_json(indent=2))
        commit(staging, destination, last=MANIFEST_NAME)
    except BaseException:
        discard(staging)
        raise
    logger.info("exported %s to %s", {name: files.rows for name, files in tables.items()}, destination.uri)
    return manifest
