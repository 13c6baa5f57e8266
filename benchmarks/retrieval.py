"""Retrieval quality and speed, Trellis side by side with its baselines in one run, on a throwaway Neo4j.

    python benchmarks/retrieval.py [--set multihop|singlehop|all] [--limit N] [--generator NAME] [--json FILE]
                                   [--chunks 10000]

The evaluation corpus (``data/eval/corpus.jsonl``: GeoNames facts, one per document, and Wikipedia articles) is
ingested into a throwaway Neo4j server of the benchmark's own (``--current-graph``: the settings' graph, which must
hold that corpus). ``--chunks N`` pads the graph to about N chunks with real text that the questions do not
use (the rest of the Wikipedia dump and GeoNames gazetteers, see ``benchmarks/_padding.py``); the latency targets
are stated at 10k chunks, and ingesting the padding takes about half an hour here. Then, in the same process and
over the same graph and indexes:

1. quality: passage recall@2/5/10 and MRR by supporting documents, and answer EM/F1 (the generator the settings
   or ``--generator`` name, the extractive one by default) for dense-only FAISS, full-text only, vector +
   full-text RRF without the graph, and the whole Trellis retrieval. Target: multi-hop recall@5 of Trellis at
   least dense-only + 10 points.
2. latency: retrieval without generation at the default answer options (k=6), every question once more per
   system after a warm-up, p50 and p95. Targets: Trellis p50 <= 50 ms and p95 <= 150 ms (stated for 10k chunks),
   and <= 3x the dense-only latency of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
from contextlib import ExitStack
from pathlib import Path
from time import perf_counter

from _padding import padding_file
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trellis.api.cli.progress import StageBars
from trellis.kg.settings import get_settings
from trellis.kg.vectors.threads import limit_compute_threads
from trellis.retrieval import AnswerOptions, Retriever
from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR, build_systems, evaluate, load_sets
from trellis.retrieval.evaluation.datasets import SET_NAMES
from trellis.retrieval.evaluation.harness import evaluation_retriever
from trellis.retrieval.evaluation.metrics import percentile
from trellis.retrieval.evaluation.report import report_table, save_report

_HERE = Path(__file__).resolve().parent

RECALL_TARGET = 0.10  # Trellis multi-hop recall@5 minus dense-only
LATENCY_P50_MS, LATENCY_P95_MS, DENSE_RATIO = 50.0, 150.0, 3.0


def _latency(retriever: Retriever, questions: list[str], console: Console) -> dict[str, dict[str, float]]:
    """Retrieval time per system at the default answer options (k=6): p50 and p95 in ms."""
    systems = build_systems(retriever, depth=AnswerOptions().k)
    timings: dict[str, list[float]] = {system.name: [] for system in systems}
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("latency run", total=len(questions) * len(systems))
        for system in systems:
            system.retrieve(questions[0])  # warm-up
        for question in questions:
            for system in systems:
                began = perf_counter()
                system.retrieve(question)
                timings[system.name].append((perf_counter() - began) * 1000)
                progress.advance(task)
    return {
        name: {"p50_ms": round(percentile(values, 0.5), 2), "p95_ms": round(percentile(values, 0.95), 2)}
        for name, values in timings.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="which", choices=[*SET_NAMES, "all"], default="all")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N questions of each set.")
    parser.add_argument("--generator", default=None, help="extractive (default), local, openai or langchain.")
    parser.add_argument("--data", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--depth", type=int, default=20, help="Passages each system retrieves for recall@k.")
    parser.add_argument("--json", type=Path, default=None, help="Save the report (quality and latency) here.")
    parser.add_argument("--current-graph", action="store_true", help="Evaluate the settings' graph, ingest nothing.")
    parser.add_argument(
        "--chunks", type=int, default=None, help="Pad the throwaway graph to about this many chunks (10000)."
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="Threads per torch/FAISS operation, both systems alike (0: all)."
    )
    args = parser.parse_args()
    if args.chunks is not None and args.chunks <= 0:
        parser.error("--chunks must be a positive number of chunks")
    if args.chunks is not None and args.current_graph:
        parser.error("--chunks pads the throwaway graph; the current graph is evaluated as it is")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.threads:  # as `trellis serve` does: see kg/vectors/threads.py
        limit_compute_threads(args.threads)
    console = Console()
    sets = load_sets(args.data, SET_NAMES if args.which == "all" else (args.which,), limit=args.limit)
    base = get_settings()
    if args.generator:
        base = base.model_copy(update={"generator": args.generator})
    extra = []
    if args.chunks is not None:
        with console.status("choosing the padding ..."):
            try:
                extra.append(padding_file(base, args.data / "corpus.jsonl", total_chunks=args.chunks))
            except ValueError as exc:
                parser.error(f"--chunks {args.chunks}: {exc}")
    with ExitStack() as stack:
        with StageBars(console) as bars:
            retriever, ingested = stack.enter_context(
                evaluation_retriever(
                    base,
                    corpus=args.data / "corpus.jsonl",
                    extra=extra,
                    current_graph=args.current_graph,
                    progress=bars,
                )
            )
        if ingested is not None:
            console.print(
                f"ingested {ingested.documents} documents, {ingested.chunks} chunks, {ingested.relations} relations "
                f"in {ingested.seconds:.0f} s"
            )
        with console.status("reading the graph snapshot ..."):
            retriever.snapshot()  # before anything is measured (questions would read Neo4j until it is there)
        systems = build_systems(retriever, depth=args.depth)
        total = sum(len(q) for q in sets.values()) * len(systems)
        columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("quality run", total=total)
            report = evaluate(
                retriever, systems, sets, generator=retriever.generator, depth=args.depth,
                advance=lambda _name: progress.advance(task),
            )  # fmt: skip
        chunks = len(retriever.chunk_index)
        report.corpus = {"chunks": chunks, "source": str(args.data)}
        latency = _latency(retriever, [q.question for qs in sets.values() for q in qs], console)
    console.print(report_table(report))
    table = Table("system", "p50 ms", "p95 ms", title=f"latency at k=6, {chunks} chunks", title_justify="left")
    for name, values in latency.items():
        table.add_row(name, f"{values['p50_ms']:.1f}", f"{values['p95_ms']:.1f}")
    console.print(table)
    verdicts = []
    if "multihop" in sets:
        gain = report.summary("multihop", "trellis").recall[5] - report.summary("multihop", "dense").recall[5]
        verdicts.append(f"multi-hop recall@5 gain over dense-only: {gain * 100:+.1f} points (target +10)")
        verdicts.append("  PASS" if gain >= RECALL_TARGET else "  MISS")
    graph, dense = latency["trellis"], latency["dense"]
    ratio = graph["p50_ms"] / dense["p50_ms"] if dense["p50_ms"] else float("inf")
    verdicts.append(
        f"Trellis latency p50 {graph['p50_ms']:.0f} ms (target {LATENCY_P50_MS:.0f}), p95 {graph['p95_ms']:.0f} ms "
        f"(target {LATENCY_P95_MS:.0f}), {ratio:.1f}x dense-only (target {DENSE_RATIO:.0f}x)"
    )
    console.print("\n".join(verdicts))
    if args.json is not None:
        save_report(report, args.json)
        sidecar = args.json.with_suffix(".latency.json")
        sidecar.write_text(json.dumps({"chunks": chunks, "latency": latency}, indent=2) + "\n")
        console.print(f"report saved to {args.json} and {sidecar}")


if __name__ == "__main__":
    main()
