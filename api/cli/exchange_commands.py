"""``trellis export parquet DEST`` and ``trellis import parquet SRC``: the graph as Parquet tables, out and in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from trellis.api.cli.progress import StageBars
from trellis.api.cli.train_commands import dataset_folder
from trellis.kg.errors import ConfigurationError
from trellis.kg.graph import GraphStore
from trellis.kg.settings import get_settings

if TYPE_CHECKING:
    from trellis.kg.exchange import Location

__all__ = ["register"]

# pyarrow is the optional `parquet` extra: imported inside the commands, so the rest of the CLI works without it.

console = Console()
export_app = typer.Typer(help="Export the graph, its embeddings and the training data.", no_args_is_help=True)
import_app = typer.Typer(help="Import an export into an empty database.", no_args_is_help=True)

EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint-url", help="S3-compatible endpoint (MinIO, Ceph); default: AWS_ENDPOINT_URL or AWS."),
]
TrainingOption = Annotated[
    Path | None,
    typer.Option("--training", help="Training dataset folder (default: DATA_DIR/training/dataset)."),
]


def _location(uri: str, endpoint: str | None) -> Location:
    try:
        from trellis.kg.exchange import open_location
    except ImportError as exc:
        raise ConfigurationError(
            f"Parquet needs pyarrow ({exc.name} is missing): pip install 'trellis[parquet]'"
        ) from None
    return open_location(uri, endpoint=endpoint)


@export_app.command("parquet")
def export_parquet(
    destination: Annotated[str, typer.Argument(help="A new or empty folder, or s3://BUCKET/PREFIX.")],
    endpoint: EndpointOption = None,
    training: TrainingOption = None,
    no_training: Annotated[bool, typer.Option("--no-training", help="Leave the training dataset out.")] = False,
) -> None:
    """Write documents, chunks with embeddings, entities, mentions, relations with provenance and the training
    dataset as partitioned Parquet tables (schema: docs/exchange.md)."""
    location = _location(destination, endpoint)
    from trellis.kg.exchange import export_graph

    settings = get_settings()
    with GraphStore(settings) as store:
        store.verify()
        with StageBars(console) as bars:
            manifest = export_graph(
                store,
                location,
                training=None if no_training else dataset_folder(settings, training),
                progress=bars,
            )
    rows = ", ".join(f"{files.rows} {name}" for name, files in manifest.tables.items())
    console.print(f"[green]exported[/green] {rows} to {location.uri}")


@import_app.command("parquet")
def import_parquet(
    source: Annotated[str, typer.Argument(help="A folder or s3://BUCKET/PREFIX holding a Trellis export.")],
    endpoint: EndpointOption = None,
    training: TrainingOption = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted import of this same export (skips the empty check).")
    ] = False,
) -> None:
    """Load an export into an empty database (batched; every write a MERGE) and rebuild FAISS from it."""
    location = _location(source, endpoint)
    from trellis.kg.exchange import import_graph

    settings = get_settings()
    with GraphStore(settings) as store:
        store.verify()
        with StageBars(console) as bars:
            report = import_graph(
                store, location, training=dataset_folder(settings, training), progress=bars, resume=resume
            )
    rows = ", ".join(f"{count} {name}" for name, count in report.rows.items())
    console.print(f"[green]imported[/green] {rows} from {location.uri}")
    console.print(f"FAISS rebuilt: {report.vectors.get('chunks', 0)} chunk and {report.vectors.get('entities', 0)} "
                  "entity vectors")  # fmt: skip
    if report.training_folder:
        console.print(f"training dataset restored: {report.training_examples} examples in {report.training_folder}")


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``import`` to the root ``trellis`` app."""
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
