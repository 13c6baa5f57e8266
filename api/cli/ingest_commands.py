"""``trellis ingest``, ``trellis delete`` and ``trellis index check|rebuild``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.progress import StageBars
from kg.errors import IngestError
from kg.graph import GraphStore
from kg.ingest.report import IngestReport
from kg.settings import get_settings

__all__ = ["index_app", "register"]

# The pipeline pulls in torch, spaCy and sentence-transformers: imported inside the commands that need them, so
# `trellis neo4j ...` answers in a second.

console = Console()
errors = Console(stderr=True)
index_app = typer.Typer(help="Check or rebuild the FAISS indexes against Neo4j.", no_args_is_help=True)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .pdf .jsonl).")],
    include: Annotated[list[str] | None, typer.Option("--include", "-i", help="Glob of files to take.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", "-x", help="Glob of files to skip.")] = None,
) -> None:
    """Ingest documents into Neo4j and FAISS; unchanged documents are skipped, changed ones replaced."""
    from transformers.utils import logging as transformers_logging

    from kg.ingest.pipeline import IngestPipeline

    transformers_logging.disable_progress_bar()  # our bars show progress; no per-model loading bars
    settings = get_settings()
    with GraphStore(settings) as store:
        store.verify()
        with StageBars(console) as bars:
            pipeline = IngestPipeline(settings, store=store, progress=bars)
            report = pipeline.ingest(paths, include=include or None, exclude=exclude or None)
    _summary(report)
    console.print(f"Explore it in Neo4j Browser: {settings.browser_url}" if settings.uses_local_server else "")
    if report.failed:
        raise IngestError(
            f"{report.failed} of {report.failed + report.documents + report.skipped} inputs failed (above)"
        )


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
        known = {row["id"] for row in store.query("document_hashes", ids=document_ids)}
        missing = [document_id for document_id in document_ids if document_id not in known]
        if missing:
            raise IngestError(f"no document with id {', '.join(missing)}: list them with `trellis documents`")
        from kg.ingest.pipeline import IngestPipeline

        removal = IngestPipeline(settings, store=store).delete(document_ids)
    console.print(
        f"[green]deleted[/green] {len(document_ids)} document(s), {len(removal.chunk_ids)} chunks, "
        f"{len(removal.entity_ids)} entities left without support"
    )


def documents(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000, help="How many to list.")] = 50,
) -> None:
    """List the ingested documents, newest first."""
    with GraphStore(get_settings()) as store:
        store.verify()
        rows = store.query("list_documents", skip=0, limit=limit)
    table = Table("id", "title", "chunks", "ingested")
    for row in rows:
        table.add_row(row["id"], row["title"], str(row["chunks"]), row["ingested_at"][:19])
    console.print(table)


@index_app.command("check")
def check() -> None:
    """Prove that FAISS and Neo4j hold the same chunk (and entity) ids (with TRELLIS_VECTOR_BACKEND=neo4j: that
    Neo4j's vector indexes are online and hold every stored embedding)."""
    from kg.ingest.consistency import check_indexes, repair_pending

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
    from kg.ingest.consistency import rebuild_indexes

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
