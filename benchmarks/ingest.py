"""Ingestion speed, side by side with its baselines in one run, on a throwaway Neo4j server of its own.

    python benchmarks/ingest.py [--limit N] [--corpus DIR] [--json FILE]

The corpus is ``data/sample`` (``wikipedia.jsonl`` and ``extra/``; ``ATTRIBUTION.md`` is left out by the default
``ingest_exclude``); ``--limit N`` keeps the first N Wikipedia articles. Tokens are whitespace words, as
``IngestReport.tokens`` counts them. Three measurements, all on the same documents in the same process:

1. the whole pipeline (``IngestPipeline.ingest`` into an empty database) against each stage alone: spaCy
   extraction over the chunks, the embedder over the chunk texts, and the graph writer writing the same
   ``DocumentGraph`` batches into an emptied database. End to end should reach half the slowest stage alone
   (or 10,000 tokens/s).
2. the graph writer against langchain-neo4j's ``Neo4jGraph.add_graph_documents`` writing the same graph (one
   ``GraphDocument`` per chunk, the chunk as its source, the same entities and typed relations), both into an
   emptied database. Target: 5x faster.
3. re-ingesting the unchanged corpus against the first ingest. Target: 20x faster.

The embedder stage is everything the pipeline's embedder does: the chunk texts, and the entity names that
resolution embeds (recorded during the first ingest and embedded again in the same calls). The chunk texts alone
are timed too and shown beside it.

Models are warmed up on a scrap of text before anything is timed, the Neo4j server (its JIT compiler, query plans,
index writers) by ingesting and then deleting a few Wikipedia articles the corpus does not hold (``data/wikipedia``),
and langchain's writer on one GraphDocument (which also creates its ``__Entity__`` constraint), so no side pays a
one-time cost inside its timing: the stages alone and langchain's writer run on a server that is warm by then.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from time import perf_counter
from typing import Any

from _common import throwaway_server
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trellis.api.cli.progress import StageBars
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.ingest.report import IngestReport
from trellis.kg.ingest.writer import GraphWriter, Removal
from trellis.kg.progress import QuietProgress
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, DocumentGraph, EntityRecord

_HERE = Path(__file__).resolve().parent

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
WIKIPEDIA = "wikipedia.jsonl"
WARM_UP_CORPUS = Path(__file__).resolve().parent.parent / "data" / "wikipedia" / WIKIPEDIA
WARM_UP_DOCUMENTS = 4
STAGE_TARGET = 0.5  # end to end, as a share of the slowest stage alone
STAGE_FLOOR = 10_000  # ... or at least this many tokens/s end to end
WRITER_TARGET = 5.0
REINGEST_TARGET = 20.0
WARM_UP_TEXT = "Tirana is the capital of Albania. Albert Einstein was born in Ulm, in the Kingdom of Württemberg."


@dataclass
class Timing:
    """One timed run: what it was, how long it took, and over how many tokens."""

    name: str
    seconds: float
    tokens: int

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Comparison:
    """Trellis against a baseline: seconds of each and how many times faster Trellis is."""

    name: str
    trellis: str
    trellis_seconds: float
    baseline: str
    baseline_seconds: float
    target: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.baseline_seconds / self.trellis_seconds if self.trellis_seconds > 0 else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


class RecordingEmbed:
    """Wraps the resolver's embed function, keeping every list of names it is asked to embed."""

    def __init__(self, embed: Callable[[list[str]], Any]) -> None:
        self.embed = embed
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> Any:
        self.calls.append(list(texts))
        return self.embed(texts)


class RecordingWriter(GraphWriter):
    """The pipeline's own writer, keeping every batch it writes so the baselines can write the same graphs."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(store)
        self.batches: list[list[DocumentGraph]] = []

    def write(self, graphs: Sequence[DocumentGraph], *, replacing: Sequence[str] = ()) -> Removal:
        self.batches.append(list(graphs))
        return super().write(graphs, replacing=replacing)


# --- the corpus -----------------------------------------------------------------------------------------------


def stage_corpus(sample: Path, limit: int | None, folder: Path) -> Path:
    """The corpus folder: ``sample`` itself, or a copy whose ``wikipedia.jsonl`` keeps the first ``limit`` lines."""
    if limit is None:
        return sample
    corpus = folder / "corpus"
    corpus.mkdir()
    for entry in sample.iterdir():
        if entry.name == WIKIPEDIA:
            with entry.open(encoding="utf-8") as source, (corpus / WIKIPEDIA).open("w", encoding="utf-8") as target:
                target.writelines(islice(source, limit))
        elif entry.is_dir():
            shutil.copytree(entry, corpus / entry.name)
        else:
            shutil.copy2(entry, corpus / entry.name)
    return corpus


# --- progress -------------------------------------------------------------------------------------------------


def _bars(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )  # fmt: skip


@contextmanager
def timed_bar(console: Console, description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar for one timed step; yields ``advance(amount)``."""
    with _bars(console) as bars:
        task = bars.add_task(description, total=total)
        yield lambda amount: bars.advance(task, amount)


def _slices(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the measurements -----------------------------------------------------------------------------------------


def warm_up(pipeline: IngestPipeline) -> None:
    """Run spaCy and the embedding model once, so neither side of a comparison pays for first use."""
    chunk = Chunk(
        id="warm-up", document_id="warm-up", index=0, text=WARM_UP_TEXT, start=0, end=len(WARM_UP_TEXT), tokens=0
    )
    pipeline.extractor.extract([chunk])
    pipeline.embedder.embed([WARM_UP_TEXT] * 4)


def warm_up_server(pipeline: IngestPipeline, corpus: Path, folder: Path, console: Console) -> None:
    """Ingest, then delete, a few Wikipedia articles that the corpus does not hold (from ``data/wikipedia``): the
    server's JIT compiler, query plans and index writers warm up on real work, and the database is empty again."""
    with (corpus / WIKIPEDIA).open(encoding="utf-8") as source:
        titles = {json.loads(line)["title"] for line in source if line.strip()}
    lines = []
    with WARM_UP_CORPUS.open(encoding="utf-8") as source:
        for line in source:
            if line.strip() and json.loads(line)["title"] not in titles:
                lines.append(line)
            if len(lines) == WARM_UP_DOCUMENTS:
                break
    warm = folder / "warm-up"
    warm.mkdir()
    (warm / WIKIPEDIA).write_text("".join(lines), encoding="utf-8")
    with console.status(f"warming up the Neo4j server ({len(lines)} other articles, then deleted) ..."):
        report = pipeline.ingest([warm])
        ids = [row["id"] for row in pipeline.store.query("list_documents", skip=0, limit=len(lines) + 1)]
        pipeline.delete(ids)
    left = pipeline.store.query("graph_counts")[0]
    if report.documents != len(lines) or any(left.values()):
        raise RuntimeError(f"the warm-up left the database unclean: wrote {report.documents}, left {left}")


def extraction_alone(pipeline: IngestPipeline, chunks: Sequence[Chunk], tokens: int, console: Console) -> Timing:
    """spaCy extraction over every chunk (in slices of 256 only to draw progress; spaCy batches inside)."""
    with timed_bar(console, "spaCy extraction alone", len(chunks)) as advance:
        began = perf_counter()
        for part in _slices(chunks, 256):
            pipeline.extractor.extract(part)
            advance(len(part))
        seconds = perf_counter() - began
    return Timing("spaCy extraction alone", seconds, tokens)


def embedding_alone(
    pipeline: IngestPipeline, texts: Sequence[str], names: Sequence[list[str]], tokens: int, console: Console
) -> tuple[Timing, Timing]:
    """The embedder over every chunk text in one call (it batches and sorts by length itself), then over the
    entity names in the calls resolution made: (chunk texts and names, chunk texts only)."""
    with _bars(console) as bars:
        task = bars.add_task("embedding alone (chunks, names)", total=len(texts) + sum(map(len, names)))
        began = perf_counter()
        pipeline.embedder.embed(texts, progress=lambda done, _total: bars.update(task, completed=done))
        chunks_done = perf_counter()
        for call in names:
            pipeline.embedder.embed(call)
            bars.advance(task, len(call))
        ended = perf_counter()
    return (
        Timing("embedding alone (chunk texts, entity names)", ended - began, tokens),
        Timing("  of which chunk texts", chunks_done - began, tokens),
    )


def writer_alone(
    store: GraphStore, batches: Sequence[Sequence[DocumentGraph]], tokens: int, console: Console
) -> Timing:
    """The graph writer writing the pipeline's batches again, one transaction each, into an emptied database."""
    store.execute("delete_everything")
    writer = GraphWriter(store)
    with timed_bar(console, "graph writer alone", sum(len(batch) for batch in batches)) as advance:
        began = perf_counter()
        for batch in batches:
            writer.write(batch)
            advance(len(batch))
        seconds = perf_counter() - began
    return Timing("graph writer alone", seconds, tokens)


def graph_documents(graphs: Sequence[DocumentGraph]) -> list[Any]:
    """The same graph as langchain ``GraphDocument``s: one per chunk, the chunk as its source document.

    Nodes are the entities the chunk mentions or relates (id, type as label, name as a property); relationships
    are the chunk's typed relations with their confidence, as an LLMGraphTransformer user would hand them over.
    """
    from langchain_core.documents import Document as SourceDocument
    from langchain_neo4j.graphs.graph_document import GraphDocument, Node, Relationship

    def node(entity: EntityRecord) -> Node:
        return Node(id=entity.id, type=entity.type, properties={"name": entity.name})

    out = []
    for graph in graphs:
        entities = {entity.id: entity for entity in graph.entities}
        nodes: dict[str, dict[str, Node]] = {chunk.id: {} for chunk in graph.chunks}
        relationships: dict[str, list[Relationship]] = {chunk.id: [] for chunk in graph.chunks}
        for mention in graph.mentions:
            nodes[mention.chunk_id].setdefault(mention.entity_id, node(entities[mention.entity_id]))
        for relation in graph.relations:
            ends = []
            for entity_id in (relation.subject_id, relation.object_id):
                ends.append(nodes[relation.chunk_id].setdefault(entity_id, node(entities[entity_id])))
            relationships[relation.chunk_id].append(
                Relationship(
                    source=ends[0],
                    target=ends[1],
                    type=relation.predicate,
                    properties={"confidence": relation.confidence},
                )
            )
        for chunk in graph.chunks:
            source = SourceDocument(
                page_content=chunk.text,
                metadata={
                    "id": chunk.id,
                    "source": graph.document.source,
                    "title": graph.document.title,
                    "chunk_index": chunk.index,
                },
            )
            out.append(
                GraphDocument(
                    nodes=list(nodes[chunk.id].values()), relationships=relationships[chunk.id], source=source
                )
            )
    return out


def langchain_writer(
    settings: Settings, store: GraphStore, graphs: Sequence[DocumentGraph], tokens: int, console: Console
) -> tuple[Timing, dict[str, int]]:
    """``Neo4jGraph.add_graph_documents(include_source=True, baseEntityLabel=True)`` of the same graph."""
    from langchain_neo4j import Neo4jGraph

    documents = graph_documents(graphs)
    counts = {
        "graph_documents": len(documents),
        "nodes": len({node.id for document in documents for node in document.nodes}),
        "relationships": sum(len(document.relationships) for document in documents),
    }
    graph = Neo4jGraph(
        url=settings.bolt_uri,
        username=settings.neo4j_user,
        password=resolve_password(settings),
        database=settings.neo4j_database,
        refresh_schema=False,
    )
    try:
        store.execute("delete_everything")
        with console.status("warming up langchain-neo4j (its __Entity__ constraint, query plans) ..."):
            graph.add_graph_documents(documents[:1], include_source=True, baseEntityLabel=True)
        store.execute("delete_everything")
        documents = graph_documents(graphs)  # fresh objects: add_graph_documents edits what it is given
        with timed_bar(console, "langchain-neo4j add_graph_documents", len(documents)) as advance:
            began = perf_counter()
            # One call per 64 GraphDocuments only to draw progress: add_graph_documents runs two queries per
            # GraphDocument whatever the call size, and its constraint check is a dictionary look-up by now.
            for part in _slices(documents, 64):
                graph.add_graph_documents(list(part), include_source=True, baseEntityLabel=True)
                advance(len(part))
            seconds = perf_counter() - began
    finally:
        graph.close()
    return Timing("langchain-neo4j add_graph_documents", seconds, tokens), counts


# --- reporting ------------------------------------------------------------------------------------------------


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def stage_table(
    stages: list[Timing], end_to_end: Timing, documents: int, chunks: int, part: Timing
) -> tuple[Table, dict[str, Any]]:
    """The stages alone against end to end; ``part`` (the chunk texts' share of the embedder) is shown, not judged."""
    slowest = min(stages, key=lambda timing: timing.tokens_per_second)
    share = end_to_end.tokens_per_second / slowest.tokens_per_second if slowest.tokens_per_second else 0.0
    met = share >= STAGE_TARGET or end_to_end.tokens_per_second >= STAGE_FLOOR
    table = Table(title=f"Ingest throughput: {documents} documents, {chunks} chunks, {end_to_end.tokens:,} tokens")
    for column in ("run", "seconds", "tokens/s", "vs slowest stage"):
        table.add_column(column, justify="left" if column == "run" else "right")
    rows = [row for timing in stages for row in ([timing, part] if timing.name.startswith("embedding") else [timing])]
    for timing in rows:
        ratio = timing.tokens_per_second / slowest.tokens_per_second if slowest.tokens_per_second else 0.0
        table.add_row(timing.name, f"{timing.seconds:.2f}", _rate(timing.tokens_per_second), f"{ratio:.2f}x")
    table.add_section()
    verdict = "[green]met[/green]" if met else "[red]missed[/red]"
    table.add_row(
        "[bold]end to end (IngestPipeline.ingest)[/bold]",
        f"{end_to_end.seconds:.2f}",
        _rate(end_to_end.tokens_per_second),
        f"{share:.0%}",
    )
    table.caption = (
        f"end to end runs at {share:.0%} of the slowest stage alone ({slowest.name}); "
        f"target >= {STAGE_TARGET:.0%} or >= {STAGE_FLOOR:,} tokens/s: {verdict}"
    )
    summary = {
        "slowest_stage": slowest.name,
        "chunk_embedding_seconds": part.seconds,
        "end_to_end_share_of_chunk_embedding": end_to_end.tokens_per_second / part.tokens_per_second
        if part.tokens_per_second
        else 0.0,
        "end_to_end_share_of_slowest": share,
        "target_share": STAGE_TARGET,
        "target_tokens_per_second": STAGE_FLOOR,
        "met": met,
    }
    return table, summary


def pipeline_stage_table(report: IngestReport) -> Table:
    table = Table(title="The pipeline's own stage_seconds (first ingest)")
    for column in ("stage", "seconds", "share", "tokens/s"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    accounted = 0.0
    for stage, seconds in report.stage_seconds.items():
        accounted += seconds
        rate = report.tokens / seconds if seconds > 0 else 0.0
        table.add_row(stage, f"{seconds:.2f}", f"{seconds / report.seconds:.0%}", _rate(rate))
    other = max(report.seconds - accounted, 0.0)
    table.add_row("(other: hash checks, known entities)", f"{other:.2f}", f"{other / report.seconds:.0%}", "")
    table.add_section()
    table.add_row("total", f"{report.seconds:.2f}", "100%", _rate(report.tokens_per_second))
    return table


def comparison_table(comparisons: list[Comparison]) -> Table:
    table = Table(title="Trellis against baselines (same data, same run)")
    for column in ("comparison", "Trellis", "s", "baseline", "s ", "speed-up", "target", ""):
        table.add_column(column, justify="left" if column in ("comparison", "Trellis", "baseline") else "right")
    for comparison in comparisons:
        table.add_row(
            comparison.name,
            comparison.trellis,
            f"{comparison.trellis_seconds:.2f}",
            comparison.baseline,
            f"{comparison.baseline_seconds:.2f}",
            f"{comparison.ratio:.1f}x",
            f">= {comparison.target:g}x",
            "[green]met[/green]" if comparison.met else "[red]missed[/red]",
        )
    return table


# --- main -----------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="trellis-bench-corpus-") as folder:
        corpus = stage_corpus(args.corpus, args.limit, Path(folder))
        with throwaway_server(console, heap=args.heap, pagecache=args.pagecache) as (settings, store):
            with console.status("loading spaCy and the embedding model ..."):
                pipeline = IngestPipeline(settings, store=store)
                warm_up(pipeline)
            warm_up_server(pipeline, corpus, Path(folder), console)
            recorder = pipeline.writer = RecordingWriter(store)
            names = pipeline.resolver.embed = RecordingEmbed(pipeline.embedder.embed)

            console.rule("1. first ingest, into an empty database")
            with StageBars(console) as bars:
                pipeline.progress = bars
                first = pipeline.ingest([corpus])
            console.rule("2. re-ingest of the unchanged corpus")
            with console.status("re-ingesting ..."):
                pipeline.progress = QuietProgress()
                again = pipeline.ingest([corpus])
            if again.documents or again.skipped != first.documents:
                console.print(f"[yellow]re-ingest wrote {again.documents} documents, skipped {again.skipped}[/yellow]")

            graphs = [graph for batch in recorder.batches for graph in batch]
            chunks = [chunk for graph in graphs for chunk in graph.chunks]
            tokens = first.tokens
            console.rule("3. each stage alone, on the same documents")
            embedding, chunk_embedding = embedding_alone(
                pipeline, [chunk.text for chunk in chunks], names.calls, tokens, console
            )
            stages = [
                extraction_alone(pipeline, chunks, tokens, console),
                embedding,
                writer_alone(store, recorder.batches, tokens, console),
            ]
            console.rule("4. langchain-neo4j writing the same graph")
            baseline, written = langchain_writer(settings, store, graphs, tokens, console)

    end_to_end = Timing("end to end", first.seconds, first.tokens)
    comparisons = [
        Comparison(
            name="graph writer vs langchain-neo4j",
            trellis="GraphWriter.write",
            trellis_seconds=stages[2].seconds,
            baseline="Neo4jGraph.add_graph_documents",
            baseline_seconds=baseline.seconds,
            target=WRITER_TARGET,
            details=written,
        ),
        Comparison(
            name="re-ingest vs first ingest",
            trellis="re-ingest, unchanged",
            trellis_seconds=again.seconds,
            baseline="first ingest",
            baseline_seconds=first.seconds,
            target=REINGEST_TARGET,
            details={"skipped": again.skipped, "written": again.documents},
        ),
    ]
    stages_view, stage_summary = stage_table(stages, end_to_end, first.documents, first.chunks, chunk_embedding)
    console.print()
    console.print(stages_view)
    console.print(pipeline_stage_table(first))
    console.print(comparison_table(comparisons))
    if first.failures:
        console.print(
            f"[yellow]{first.failed} input(s) failed:[/yellow] a failing batch is retried a document at a time, so "
            "their work counts end to end (and again in the re-ingest, which retries them) but not in the stages alone"
        )
        for failure in first.failures:
            console.print(f"  {failure}", highlight=False)
    return {
        "corpus": {
            "path": str(args.corpus),
            "limit": args.limit,
            "documents": first.documents,
            "failed": first.failed,
            "chunks": first.chunks,
            "entities": first.entities,
            "relations": first.relations,
            "tokens": first.tokens,
        },
        "device": pipeline.embedder.device,
        "first_ingest": {**first.model_dump(exclude={"failures"}), "tokens_per_second": first.tokens_per_second},
        "re_ingest": {**again.model_dump(exclude={"failures"})},
        "stages_alone": [{**asdict(timing), "tokens_per_second": timing.tokens_per_second} for timing in stages],
        "end_to_end": {**asdict(end_to_end), "tokens_per_second": end_to_end.tokens_per_second, **stage_summary},
        "comparisons": [
            {**asdict(comparison), "speed_up": comparison.ratio, "met": comparison.met} for comparison in comparisons
        ],
    }


def corpus_parser(description: str) -> argparse.ArgumentParser:
    """The arguments of every ingest benchmark: the corpus and a limit on its articles, a JSON file for the figures,
    the throwaway server's memory."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N Wikipedia articles")
    parser.add_argument("--corpus", type=Path, default=SAMPLE, help="the sample folder (default: data/sample)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--heap", default="2g", help="the throwaway server's heap (default 2g)")
    parser.add_argument("--pagecache", default="1g", help="the throwaway server's page cache (default 1g)")
    return parser


def parse_corpus_arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments of :func:`corpus_parser` (and any the benchmark added), checked; the models set to load
    offline."""
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if not (args.corpus / WIKIPEDIA).is_file():
        parser.error(f"no {WIKIPEDIA} in {args.corpus}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return args


def main() -> None:
    args = parse_corpus_arguments(corpus_parser(__doc__.splitlines()[0]))
    console = Console()
    results = run(args, console)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        console.print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
