"""GPU against CPU FAISS search on the same vectors, side by side in one run.

    python benchmarks/gpu_search.py [--vectors 1000000] [--dimensions 384] [--queries 200] [--batch 1024] [--json FILE]

Random unit vectors (seeded) go into the index Trellis searches, an exact inner-product index keyed by ids
(``IndexIDMap2(IndexFlatIP)``), and :func:`kg.vectors.index.to_gpu` copies it to the GPUs as the API does: whole on
one GPU, sharded over several. Measured for each: the p50 and p95 of one query a call (as a question asks) and the
queries per second of ``--batch`` queries a call (as an evaluation or a batch job asks), reported as GPU / CPU
ratios, with recall@10 of the GPU search against the CPU's (float16 off: it should be 1.0). Without FAISS GPU
support or a visible GPU it says so and exits 0: CI and CPU machines skip it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

import faiss
import numpy as np
from _common import cpu_model
from rich.console import Console
from rich.table import Table

from trellis.kg.vectors.index import gpu_count, to_gpu
from trellis.retrieval.evaluation.metrics import percentile

_HERE = Path(__file__).resolve().parent


def unit_vectors(count: int, dimensions: int, *, seed: int) -> np.ndarray:
    """``count`` random unit vectors, made in blocks so that no second full-size copy is held."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, dimensions), dtype=np.float32)
    for start in range(0, count, 100_000):
        block = rng.standard_normal((min(100_000, count - start), dimensions), dtype=np.float32)
        out[start : start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def one_at_a_time(search: Callable[[np.ndarray], Any], queries: np.ndarray) -> dict[str, float]:
    """p50 and p95 in ms of one query a call, after one warm-up call."""
    search(queries[:1])
    times = []
    for query in queries:
        began = perf_counter()
        search(query[None, :])
        times.append((perf_counter() - began) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 3), "p95_ms": round(percentile(times, 0.95), 3)}


def batched(search: Callable[[np.ndarray], Any], queries: np.ndarray) -> float:
    """Queries per second when all ``queries`` go in one call (after a warm-up call)."""
    search(queries[:8])
    began = perf_counter()
    search(queries)
    return round(len(queries) / (perf_counter() - began), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--dimensions", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200, help="Queries timed one at a time.")
    parser.add_argument("--batch", type=int, default=1024, help="Queries in the batched call.")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", type=Path, default=None, help="Save the figures here.")
    args = parser.parse_args()
    console = Console()
    gpus = gpu_count()
    if gpus == 0:
        console.print("skipped: FAISS has no GPU support here or no GPU is visible (faiss-cpu); nothing measured")
        return
    with console.status(f"making {args.vectors:,} x {args.dimensions} vectors and the CPU index ..."):
        vectors = unit_vectors(args.vectors, args.dimensions, seed=0)
        cpu = faiss.IndexIDMap2(faiss.IndexFlatIP(args.dimensions))
        cpu.add_with_ids(vectors, np.arange(args.vectors, dtype=np.int64))
        queries = unit_vectors(max(args.queries, args.batch), args.dimensions, seed=1)
    with console.status(f"copying the index to {gpus} GPU(s) ..."):
        began = perf_counter()
        gpu = to_gpu(cpu)
        copy_seconds = perf_counter() - began
    if gpu is None:
        sys.exit("error: the index could not be copied to the GPUs (see the warning above)")
    figures: dict[str, Any] = {"cpu": cpu_model(), "gpus": gpus, "sharded": gpus > 1, "vectors": args.vectors}
    figures["gpu_copy_seconds"] = round(copy_seconds, 2)
    for name, index in (("cpu", cpu), ("gpu", gpu)):
        with console.status(f"timing {name} search ..."):
            figures[name] = {
                **one_at_a_time(lambda q, i=index: i.search(q, args.k), queries[: args.queries]),
                "batch_qps": batched(lambda q, i=index: i.search(q, args.k), queries[: args.batch]),
            }
    _, exact = cpu.search(queries[: args.queries], args.k)
    _, found = gpu.search(queries[: args.queries], args.k)
    figures["gpu_recall_at_k"] = round(
        float(np.mean([len(set(e) & set(f)) / args.k for e, f in zip(exact, found, strict=True)])), 4
    )
    figures["ratios"] = {
        "p50_gpu_over_cpu": round(figures["gpu"]["p50_ms"] / figures["cpu"]["p50_ms"], 3),
        "batch_qps_gpu_over_cpu": round(figures["gpu"]["batch_qps"] / figures["cpu"]["batch_qps"], 2),
    }
    table = Table(title=f"FAISS search, {args.vectors:,} x {args.dimensions}, k={args.k} ({figures['cpu']})")
    for column in ("index", "p50 ms", "p95 ms", "batch q/s"):
        table.add_column(column, justify="right")
    for name in ("cpu", "gpu"):
        row = figures[name]
        table.add_row(name, str(row["p50_ms"]), str(row["p95_ms"]), str(row["batch_qps"]))
    console.print(table)
    console.print(f"ratios {figures['ratios']}; GPU recall@{args.k} {figures['gpu_recall_at_k']}; {gpus} GPU(s)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
