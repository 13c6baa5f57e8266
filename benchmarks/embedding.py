"""Question embedding: ONNX Runtime against torch (the baseline), the same model and texts, in one run.

    python benchmarks/embedding.py [--threads 1] [--repeat 5]

Embeds the evaluation questions (``data/eval``) one at a time and in batches of 16, and 64 Wikipedia chunk-sized
texts (``data/sample``), with ``TRELLIS_EMBEDDING_RUNTIME=torch`` and ``onnx``; reports the median time of each,
the ratio torch / ONNX, and the smallest cosine between the two runtimes' vectors.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path
from time import perf_counter

from rich.console import Console
from rich.table import Table

from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder
from trellis.kg.vectors.threads import limit_compute_threads

_HERE = Path(__file__).resolve().parent

REPO = _HERE.parent


def _texts() -> tuple[list[str], list[str]]:
    questions = [
        json.loads(line)["question"]
        for name in ("multihop.jsonl", "singlehop.jsonl")
        for line in (REPO / "data" / "eval" / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    chunks = []
    for line in (REPO / "data" / "sample" / "wikipedia.jsonl").read_text(encoding="utf-8").splitlines()[:16]:
        text = json.loads(line)["text"]
        chunks += [text[start : start + 1100] for start in range(0, min(len(text), 4400), 1100)]
    return questions, chunks[:64]


def _median_ms(work: list[list[str]], embedder: Embedder, repeat: int) -> float:
    for texts in work[:3]:
        embedder._encode(texts)  # warm-up
    times = []
    for _ in range(repeat):
        for texts in work:
            began = perf_counter()
            embedder._encode(texts)  # one model call, as the runtime choice sees it
            times.append(perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch / ONNX Runtime threads per call")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    limit_compute_threads(arguments.threads)
    questions, chunks = _texts()
    torch_embedder = Embedder(Settings(device="cpu", embedding_runtime="torch"))
    onnx_embedder = Embedder(Settings(device="cpu", embedding_runtime="onnx"))
    cases = {
        "one question": [[q] for q in questions[:60]],
        "16 questions": [questions[i : i + 16] for i in range(0, 160, 16)],
        "64 chunks of ~256 tokens": [chunks],
    }
    table = Table(title=f"embedding, {arguments.threads} thread(s), median ms per call")
    for column in ("call", "torch", "onnx", "torch / onnx"):
        table.add_column(column, justify="left" if column == "call" else "right")
    for name, work in cases.items():
        repeat = 1 if len(work) == 1 else arguments.repeat
        torch_ms = _median_ms(work, torch_embedder, repeat)
        onnx_ms = _median_ms(work, onnx_embedder, repeat)
        table.add_row(name, f"{torch_ms:.1f}", f"{onnx_ms:.1f}", f"{torch_ms / onnx_ms:.2f}x")
    texts = questions + chunks
    cosine = float((torch_embedder._encode(texts) * onnx_embedder.embed(texts)).sum(axis=1).min())
    console = Console()
    console.print(table)
    console.print(f"smallest cosine between torch's and ONNX Runtime's vectors over {len(texts)} texts: {cosine:.7f}")


if __name__ == "__main__":
    main()
