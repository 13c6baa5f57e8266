"""Parquet out and in on a throwaway Neo4j: export time and size, import time, and the round trip proven.

    python benchmarks/parquet_export.py [--chunks 10000] [--random-vectors] [--json FILE]
    python benchmarks/parquet_export.py --corpus data/sample [--json FILE]

The graph: by default the evaluation corpus (``data/eval/corpus.jsonl``) padded to about ``--chunks`` chunks with
real text (the padding of benchmarks/retrieval.py, ``benchmarks/_padding.py``), through the ingest's own chunker,
embedder and writer with no entity extraction (spaCy would make the 10k-chunk ingest half an hour here; the chunks
with their embeddings are most of an export's bytes); with ``--corpus PATH``, that corpus with the whole ingest,
entities, mentions and relations included. ``--random-vectors`` gives each chunk a seeded random unit vector
instead of the model's (same size, float32, and as incompressible as real embeddings), for a machine where
embedding the padding would take longer than the benchmark is worth. Then:

1. ``export_graph`` to a local folder: seconds, MB on disk, rows and MB per table.
2. the graph emptied and ``import_graph`` run on the export: seconds, including the FAISS rebuild.
3. the round trip checked: the graph fingerprint after the import equals the one before, and ``trellis index
   check`` (``check_indexes``) finds FAISS and Neo4j in agreement.

The CPU model (lscpu) is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np
from _common import NoEntities, cpu_model, throwaway_server
from _padding import padding_file
from rich.console import Console
from rich.table import Table

from trellis.kg.exchange import export_graph, import_graph, open_location
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import get_settings
from trellis.kg.vectors import Embedder

_HERE = Path(__file__).resolve().parent

EVAL_CORPUS = _HERE.parent / "data" / "eval" / "corpus.jsonl"


class _RandomVectors(Embedder):
    """The embedder with ``embed`` replaced by seeded random unit vectors (its tokenizer still counts tokens)."""

    def embed(self, texts: Sequence[str], **_: Any) -> np.ndarray:
        generator = np.random.default_rng(zlib.crc32("\n".join(texts).encode()))
        vectors = generator.standard_normal((len(texts), self.dimensions)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def megabytes(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000, help="Pad the evaluation corpus to about this many.")
    parser.add_argument("--corpus", type=Path, default=None, help="Ingest this corpus whole instead (with spaCy).")
    parser.add_argument("--random-vectors", action="store_true", help="Seeded random vectors, not the model's.")
    parser.add_argument("--json", type=Path, default=None, help="Save the figures here.")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    console = Console()
    base = get_settings()
    if args.corpus is None:
        with console.status("choosing the padding ..."):
            inputs, extractor = [EVAL_CORPUS, padding_file(base, EVAL_CORPUS, total_chunks=args.chunks)], NoEntities()
    else:
        inputs, extractor = [args.corpus], None
    with throwaway_server(console, base=base) as (settings, store), tempfile.TemporaryDirectory() as scratch:
        began = perf_counter()
        with console.status(f"ingesting {', '.join(str(path) for path in inputs)} ..."):
            embedder = (_RandomVectors if args.random_vectors else Embedder)(settings)
            pipeline = IngestPipeline(settings, store=store, embedder=embedder, extractor=extractor)
            report = pipeline.ingest(inputs)
        seconds = perf_counter() - began
        console.print(f"ingested {report.documents} documents, {report.chunks} chunks in {seconds:.0f} s")
        before = graph_fingerprint(store)
        folder = Path(scratch) / "export"
        began = perf_counter()
        manifest = export_graph(store, open_location(str(folder)))
        export_s = perf_counter() - began
        store.execute("delete_everything")
        began = perf_counter()
        import_graph(store, open_location(str(folder)))
        import_s = perf_counter() - began
        same = graph_fingerprint(store) == before
        agree = all(check.ok for check in check_indexes(settings, store))
        figures: dict[str, Any] = {
            "cpu": cpu_model(),
            "graph": ("padded evaluation corpus, no extraction" if args.corpus is None else str(args.corpus))
            + (", random vectors" if args.random_vectors else ""),
            "export_s": round(export_s, 2),
            "export_mb": round(megabytes(folder), 2),
            "import_s": round(import_s, 2),
            "fingerprint_equal": same,
            "index_check_ok": agree,
            "tables": {
                name: {"rows": files.rows, "mb": round(megabytes(folder / name), 2)}
                for name, files in manifest.tables.items()
            },
        }
    show(console, figures)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        console.print(f"figures saved to {args.json}")


def show(console: Console, figures: dict[str, Any]) -> None:
    table = Table("table", "rows", "MB", title=f"Parquet export of {figures['graph']}")
    for name, row in figures["tables"].items():
        table.add_row(name, str(row["rows"]), f"{row['mb']:.2f}")
    console.print(table)
    console.print(
        f"CPU: {figures['cpu']}\n"
        f"export {figures['export_s']:.2f} s, {figures['export_mb']:.2f} MB; import (with the FAISS rebuild) "
        f"{figures['import_s']:.2f} s\n"
        f"fingerprint after the round trip equal: {'PASS' if figures['fingerprint_equal'] else 'MISS'}; "
        f"index check: {'PASS' if figures['index_check_ok'] else 'MISS'}"
    )


if __name__ == "__main__":
    main()
