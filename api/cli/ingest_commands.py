"""``trellis ingest``, ``trellis delete`` and ``trellis index check|rebuild``."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from trellis.api.cli.progress import StageBars
from trellis.kg.errors import IngestError
from trellis.kg.files import is_uri, local_path
from trellis.kg.graph import GraphStore
from trellis.kg.ingest.report import IngestReport
from trellis.kg.settings import Settings, get_settings

if TYPE_CHECKING:
    from trellis.kg.ingest.distributed import RayCluster

__all__ = ["index_app", "register"]

# The pipeline pulls in torch, spaCy and sentence-transformers: imported inside the commands that need them, so
# `trellis neo4j ...` answers in a second.

console = Console()
errors = Console(stderr=True)
index_app = typer.Typer(help="Check or rebuild the FAISS indexes against Neo4j.", no_args_is_help=True)


PathsArgument = Annotated[
    list[str], typer.Argument(help="Files or folders (.txt .md .html .pdf .jsonl); with --ray also s3://...")
]
IncludeOption = Annotated[list[str] | None, typer.Option("--include", "-i", help="Glob of files to take.")]
ExcludeOption = Annotated[list[str] | None, typer.Option("--exclude", "-x", help="Glob of files to skip.")]
RayOption = Annotated[
    bool,
    typer.Option(
        "--ray",
        help="Load, chunk, extract and embed as Ray Data stages, on a small Ray started on this machine (or the "
        "cluster of --ray-address). Needs the ray extra.",
    ),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        metavar="ADDRESS",
        help="Join this Ray cluster (HOST:PORT or ray://HOST:PORT); implies --ray.",
    ),
]
EndpointOption = Annotated[
    str | None, typer.Option("--endpoint-url", help="S3-compatible endpoint of an s3:// corpus (with --ray).")
]


def ingest(
    paths: PathsArgument,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    ray: RayOption = False,
    ray_address: RayAddressOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Ingest documents into Neo4j and FAISS; unchanged documents are skipped, changed ones replaced."""
    _refuse_when_nothing_exists(paths)
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # our bars show progress; no per-model loading bars
    settings = get_settings()
    ray = ray or ray_address is not None
    if not ray and any(is_uri(path) for path in paths):
        raise IngestError("an s3:// (or other URI) corpus is read by Ray: add --ray")
    report = _run_ingest(
        settings,
        paths,
        include=include or None,
        exclude=exclude or None,
        ray=ray,
        ray_address=ray_address,
        endpoint=endpoint,
    )
    _summary(report)
    console.print(f"Explore it in Neo4j Browser: {settings.browser_url}" if settings.uses_local_server else "")
    if report.failed:
        raise IngestError(
            f"{report.failed} of {report.failed + report.documents + report.skipped} inputs failed (above)"
        )


def _refuse_when_nothing_exists(paths: list[str]) -> None:
    """IngestError before any model loads when every path is a local one that does not exist (a mix is ingested,
    each missing path reported beside what lands)."""
    missing = [str(local_path(path)) for path in paths if not is_uri(path) and not local_path(path).exists()]
    if missing and len(missing) == len(paths):
        raise IngestError(f"nothing to ingest: no such file or folder: {', '.join(missing)}")


def _run_ingest(
    settings: Settings,
    paths: list[str],
    *,
    include: list[str] | None,
    exclude: list[str] | None,
    ray: bool,
    ray_address: str | None,
    endpoint: str | None,
) -> IngestReport:
    """Ingest ``paths`` in this process, or as Ray Data stages (joining ``ray_address``, else a local Ray)."""
    from trellis.kg.ingest.pipeline import IngestPipeline

    with ExitStack() as stack:
        cluster = _join_ray(stack, ray_address) if ray else None
        store = stack.enter_context(GraphStore(settings))
        store.verify()
        with StageBars(console) as bars:
            pipeline = IngestPipeline(settings, store=store, progress=bars)
            if cluster is None:
                return pipeline.ingest([Path(path) for path in paths], include=include, exclude=exclude)
            from trellis.kg.ingest.distributed import RayIngest

            return RayIngest(pipeline, cluster).ingest(paths, include=include, exclude=exclude, endpoint=endpoint)


def _join_ray(stack: ExitStack, address: str | None) -> RayCluster:
    """Join (or start) Ray for the rest of ``stack``: first, so a cluster that is not there stops before any write."""
    from trellis.kg.ingest.distributed import ray_session

    logging.getLogger("ray").setLevel(logging.WARNING)  # the bars and the summary report; Ray keeps its logs
    return stack.enter_context(ray_session(address))


def _summary(report: IngestReport) -> None:
    for failure in report.failures:
        errors.print(f"[red]failed:[/red] {failure}", highlight=False, soft_wrap=True)
    table = Table(title="ingest summary", show_header=False)
    rows = [
        ("documents written", report.documents), ("of which replaced", report.replaced),
        ("unchanged, skipped", report.skipped), ("failed", report.failed), ("chunks", report.chunks),
        ("new entities", report.entities), ("relation evidence", report.relations), ("tokens", report.tokens),
        ("seconds", f"{report.seconds:.1f}"), ("tokens/s", f"{report.tokens_per_second:,.0f}"),
    ]  # fmt: skip
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)


def delete(document_ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove.")]) -> None:
    """Remove documents and exactly the support they gave (chunks, mentions, evidence, orphaned entities)."""
    settings = get_settings()
    with GraphStore(settings) as store:
        store.verify()
        from trellis.api.services.documents import missing_documents

        missing = missing_documents(store, document_ids)
        if missing:
            raise IngestError(f"no document with id {', '.join(missing)}: list them with `trellis documents`")
        from trellis.kg.ingest.pipeline import IngestPipeline

        removal = IngestPipeline(settings, store=store).delete(document_ids)
    console.print(
        f"[green]deleted[/green] {len(document_ids)} document(s), {len(removal.chunk_ids)} chunks, "
        f"{len(removal.entity_ids)} entities left without support"
    )


def documents(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000, help="How many to list.")] = 50,
) -> None:
    """List the ingested documents, newest first."""
    from trellis.api.services.documents import list_documents

    with GraphStore(get_settings()) as store:
        store.verify()
        found = list_documents(store, limit=limit)
    table = Table("id", "title", "chunks", "ingested")
    for document in found:
        table.add_row(document.id, document.title, str(document.chunks), (document.ingested_at or "")[:19])
    console.print(table)


@index_app.command("check")
def check() -> None:
    """Prove that FAISS and Neo4j hold the same chunk (and entity) ids (with TRELLIS_VECTOR_BACKEND=neo4j: that
    Neo4j's vector indexes are online and hold every stored embedding)."""
    from trellis.kg.ingest.consistency import check_indexes, repair_pending

    settings = get_settings()
    with GraphStore(settings) as store:
        store.verify()
        if (repaired := repair_pending(settings, store)) is not None:
            console.print(
                f"[yellow]repaired[/yellow] a batch of {len(repaired.documents)} documents an interrupted write left "
                f"half-written: {repaired.added} vectors added to FAISS, {repaired.removed} removed"
            )
        checks = check_indexes(settings, store)
    for result in checks:
        state = "[green]ok[/green]" if result.ok else "[red]MISMATCH[/red]"
        index = "faiss" if result.backend == "faiss" else "vector index"
        console.print(f"{result.name:<9} neo4j {result.graph:>7}  {index} {result.index:>7}  {state}")
        for label, ids in (
            ("missing from FAISS" if result.backend == "faiss" else "left out of the index", result.missing_from_index),
            ("missing from Neo4j", result.missing_from_graph),
        ):
            if ids:
                console.print(f"  {label}: {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}")
    if settings.vector_backend == "neo4j" and not all(result.ok for result in checks):
        raise IngestError("embeddings of another size are left out of Neo4j's vector indexes: ingest them again")
    if not all(result.ok for result in checks):
        raise IngestError("FAISS and Neo4j disagree: run `trellis index rebuild` to rebuild FAISS from Neo4j")


@index_app.command("rebuild")
def rebuild() -> None:
    """Rebuild the FAISS indexes from the embeddings stored in Neo4j."""
    from trellis.kg.ingest.consistency import rebuild_indexes

    settings = get_settings()
    with GraphStore(settings) as store:
        store.verify()
        counts = rebuild_indexes(settings, store)
    console.print(f"[green]rebuilt[/green] {counts['chunks']} chunk and {counts['entities']} entity vectors")


def register(app: typer.Typer) -> None:
    """Add these commands to the root ``trellis`` app."""
    app.command()(ingest)
    app.command()(delete)
    app.command()(documents)
    app.add_typer(index_app, name="index")
