"""The neo4j vector backend against FAISS, side by side in one run, on a throwaway Neo4j.

    python benchmarks/vector_backend.py [--chunks 10000] [--k 10] [--oversample 1 2 4] [--repeat 2] [--json FILE]

The evaluation corpus (``data/eval/corpus.jsonl``) padded to about ``--chunks`` chunks with real text (the padding
of benchmarks/retrieval.py, ``benchmarks/_padding.py``) goes through the ingest's own chunker, embedder and writer
into a throwaway server, with no entity extraction (the chunk vectors are what is measured, and spaCy would triple
the ingest); the ingest writes the embeddings on the Neo4j chunks and the FAISS index (exact, flat, below
``faiss_flat_max``) from the same vectors. Then, with the evaluation's questions embedded as queries:

1. recall@k of Neo4j's vector index (each ``--oversample``: candidates asked per hit kept, rescored exactly)
   against exact FAISS flat. Target: >= 0.98 at the default oversample.
2. dense search latency, one question a call as the retriever asks: p50 and p95 for FAISS and for Neo4j (a Bolt
   round trip; the round trip of ``RETURN 1`` alone is shown beside it), the passage search stage as retrieval runs
   it (dense + full-text, ``PassageSearch.run``) on each backend, and a question's whole search as `trellis search`,
   GraphQL ``search`` and every answer run it (``Retriever.retrieve``: the query embedded, dense and full-text
   search, linking, the graph, the ranking) with ``TRELLIS_VECTOR_BACKEND`` faiss and neo4j. Target: Neo4j's
   search p50 within 3x of FAISS's.

The CPU model (lscpu) and the graph size are printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np
from _common import NoEntities, cpu_model, throwaway_server
from _padding import padding_file
from rich.console import Console
from rich.table import Table

from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import get_settings
from trellis.kg.vectors import Embedder, Neo4jVectorSearch, VectorIndex, VectorSearch
from trellis.kg.vectors.neo4j_search import OVERSAMPLE
from trellis.kg.vectors.threads import limit_compute_threads
from trellis.retrieval import Retriever
from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR, load_sets
from trellis.retrieval.evaluation.metrics import percentile
from trellis.retrieval.search import PassageSearch

_HERE = Path(__file__).resolve().parent

RECALL_TARGET, LATENCY_RATIO = 0.98, 3.0


def timed(calls: Sequence[Callable[[], Any]], repeat: int) -> dict[str, float]:
    """p50 and p95 in ms of each call, run ``repeat`` times after one warm-up call."""
    calls[0]()
    times = []
    for _ in range(repeat):
        for call in calls:
            began = perf_counter()
            call()
            times.append((perf_counter() - began) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 3), "p95_ms": round(percentile(times, 0.95), 3)}


def recall(exact: list[list[tuple[str, float]]], found: list[list[tuple[str, float]]], k: int) -> float:
    """Mean share of each query's exact top k that the search found in its top k."""
    shares = [
        len({i for i, _ in f[:k]} & {i for i, _ in e[:k]}) / max(1, len(e[:k]))
        for e, f in zip(exact, found, strict=True)
    ]
    return round(float(np.mean(shares)), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000, help="Pad the graph to about this many chunks.")
    parser.add_argument("--k", type=int, default=10, help="Neighbours per query (recall@k).")
    parser.add_argument("--oversample", type=int, nargs="+", default=sorted({1, 2, 4, OVERSAMPLE}))
    parser.add_argument("--queries", type=int, default=None, help="Only the first N questions.")
    parser.add_argument("--repeat", type=int, default=2, help="Timed passes over the questions.")
    parser.add_argument("--data", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--json", type=Path, default=None, help="Save the figures here.")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    limit_compute_threads(1)  # as `trellis serve` does: one thread per FAISS and torch call
    console = Console()
    base = get_settings().model_copy(update={"faiss_index_kind": "auto"})
    corpus = args.data / "corpus.jsonl"
    with console.status("choosing the padding ..."):
        padding = padding_file(base, corpus, total_chunks=args.chunks)
    questions = [q.question for qs in load_sets(args.data).values() for q in qs][: args.queries]
    with throwaway_server(console, base=base) as (settings, store):
        embedder = Embedder(settings)
        began = perf_counter()
        with console.status(f"ingesting about {args.chunks} chunks (chunk, embed, write; no extraction) ..."):
            report = IngestPipeline(settings, store=store, embedder=embedder, extractor=NoEntities()).ingest(
                [corpus, padding]
            )
        console.print(
            f"ingested {report.documents} documents, {report.chunks} chunks in {perf_counter() - began:.0f} s"
        )
        faiss = VectorIndex.load(settings.index_dir / "chunks", settings=settings)
        states = {row["name"]: row for row in store.query("vector_index_states")}
        index_options = states["chunk_embedding"]["options"]["indexConfig"]
        assert faiss.kind == "flat", faiss.kind  # exact: the ground truth
        vectors = embedder.embed(questions)
        exact = faiss.search(vectors, args.k)
        rows: dict[str, dict[str, Any]] = {
            "faiss flat": {
                "recall": 1.0,
                **timed([lambda v=v: faiss.search(v[None, :], args.k) for v in vectors], args.repeat),
            }
        }
        for oversample in args.oversample:
            neo4j = Neo4jVectorSearch(store, target="chunks", dimensions=faiss.dimensions, oversample=oversample)
            found = neo4j.search(vectors, args.k)
            calls = [lambda v=v, n=neo4j: n.search(v[None, :], args.k) for v in vectors]
            rows[f"neo4j x{oversample}"] = {"recall": recall(exact, found, args.k), **timed(calls, args.repeat)}
        floor = timed([lambda: store.query("round_trip")] * len(questions), args.repeat)
        stages: dict[str, dict[str, float]] = {}
        indexes: dict[str, VectorSearch] = {"faiss flat": faiss}
        for oversample in args.oversample:
            indexes[f"neo4j x{oversample}"] = Neo4jVectorSearch(
                store, target="chunks", dimensions=faiss.dimensions, oversample=oversample
            )
        for name, index in indexes.items():
            search = PassageSearch(store=store, index=index, candidates=20)
            calls = [lambda q=q, v=v, s=search: s.run(q, v) for q, v in zip(questions, vectors, strict=True)]
            stages[name] = timed(calls, args.repeat)
        searches: dict[str, dict[str, float]] = {}
        for backend in ("faiss", "neo4j"):
            with Retriever(
                settings.model_copy(update={"vector_backend": backend}), store=store, embedder=embedder
            ) as retriever:
                calls = [lambda q=q, r=retriever: r.retrieve(q) for q in questions]
                searches[backend] = timed(calls, args.repeat)
    figures = {
        "cpu": cpu_model(),
        "index": index_options,
        "chunks": len(faiss),
        "queries": len(questions),
        "k": args.k,
        "dense": rows,
        "bolt_round_trip": floor,
        "passage_search": stages,
        "search": searches,
    }
    show(console, figures)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        console.print(f"figures saved to {args.json}")


def show(console: Console, figures: dict[str, Any]) -> None:
    title = f"dense search, {figures['chunks']} chunks, {figures['queries']} questions, k={figures['k']}"
    table = Table("backend", f"recall@{figures['k']}", "p50 ms", "p95 ms", "p50 / faiss", title=title)
    faiss = figures["dense"]["faiss flat"]["p50_ms"]
    for name, row in figures["dense"].items():
        ratio = row["p50_ms"] / faiss if faiss else float("inf")
        table.add_row(name, f"{row['recall']:.4f}", f"{row['p50_ms']:.2f}", f"{row['p95_ms']:.2f}", f"{ratio:.2f}x")
    console.print(table)
    floor = figures["bolt_round_trip"]
    console.print(
        f"a Bolt round trip alone (RETURN 1): p50 {floor['p50_ms']:.2f} ms, p95 {floor['p95_ms']:.2f} ms "
        f"({floor['p50_ms'] / faiss:.2f}x FAISS's whole search)"
    )
    stage = Table("backend", "p50 ms", "p95 ms", "p50 / faiss", title="passage search stage (dense + full-text)")
    faiss = figures["passage_search"]["faiss flat"]["p50_ms"]
    for name, row in figures["passage_search"].items():
        stage.add_row(name, f"{row['p50_ms']:.2f}", f"{row['p95_ms']:.2f}", f"{row['p50_ms'] / faiss:.2f}x")
    console.print(stage)
    whole = Table("backend", "p50 ms", "p95 ms", "p50 / faiss", title="a question's whole search (`retrieve`)")
    faiss = figures["search"]["faiss"]["p50_ms"]
    for name, row in figures["search"].items():
        whole.add_row(name, f"{row['p50_ms']:.2f}", f"{row['p95_ms']:.2f}", f"{row['p50_ms'] / faiss:.2f}x")
    console.print(whole)
    name = f"neo4j x{OVERSAMPLE}"
    default = figures["dense"][name]
    dense = default["p50_ms"] / figures["dense"]["faiss flat"]["p50_ms"]
    stage = figures["passage_search"][name]["p50_ms"] / figures["passage_search"]["faiss flat"]["p50_ms"]
    search = figures["search"]["neo4j"]["p50_ms"] / figures["search"]["faiss"]["p50_ms"]
    console.print(
        f"CPU: {figures['cpu']}; Neo4j's chunk index: {figures['index']}\n"
        f"neo4j (oversample {OVERSAMPLE}) recall@{figures['k']} {default['recall']:.4f} (target {RECALL_TARGET}): "
        f"{'PASS' if default['recall'] >= RECALL_TARGET else 'MISS'}\n"
        f"p50 against FAISS (target {LATENCY_RATIO:.0f}x): dense search alone {dense:.2f}x "
        f"({'PASS' if dense <= LATENCY_RATIO else 'MISS'}), passage search stage {stage:.2f}x "
        f"({'PASS' if stage <= LATENCY_RATIO else 'MISS'}), a question's whole search {search:.2f}x "
        f"({'PASS' if search <= LATENCY_RATIO else 'MISS'})"
    )


if __name__ == "__main__":
    main()
