"""Crash recovery: kill -9 of a real `trellis ingest` at random points, then the same command again, on a throwaway
Neo4j; the graph must equal a clean ingest's and `trellis index check` must pass, every time.

    python benchmarks/crash_recovery.py [--seeds 10] [--documents 10] [--batch 2]

Each seed picks a point of :data:`kg.failpoints.POINTS` (a document read, a batch extracted, a batch in Neo4j but
not FAISS, the chunk index saved but not the entity index) and which pass of it to die on; the ingest kills itself
there with SIGKILL (``TRELLIS_FAILPOINT``). The baseline is one uninterrupted ingest of the same documents in the
same run. The CI suite runs three fixed points (``tests/kg/ingest/test_crash_recovery.py``).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from trellis.kg.failpoints import POINTS
from trellis.kg.graph import GraphStore
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.settings import Settings, get_settings

sys.path.append(str(Path(__file__).resolve().parent))
from _common import throwaway_server
from _serving import REPO, cli_env


def _corpus(folder: Path, documents: int) -> Path:
    lines = (REPO / "data" / "eval" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if json.loads(line)["id"].startswith("geo-")][:documents]
    path = folder / "facts.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def _env(settings: Settings, data_dir: Path, batch: int, point: str | None = None) -> dict[str, str]:
    env = cli_env(settings, TRELLIS_DATA_DIR=str(data_dir), TRELLIS_INGEST_BATCH_DOCUMENTS=str(batch))
    if point is not None:
        env["TRELLIS_FAILPOINT"] = point
    return env


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "trellis.api.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO, timeout=900, check=False)


def _fresh(store: GraphStore, data_dir: Path) -> None:
    store.execute("delete_everything")
    shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--batch", type=int, default=2, help="Documents per ingest batch.")
    args = parser.parse_args()
    console = Console()
    batches = -(-args.documents // args.batch)
    passes = {"ingest.loaded": args.documents} | {point: batches for point in POINTS if point != "ingest.loaded"}
    with throwaway_server(console, base=get_settings()) as (settings, store):
        work = settings.data_dir.parent / "crash"
        work.mkdir(parents=True, exist_ok=True)
        corpus, data_dir = _corpus(work, args.documents), work / "data"
        clean = _cli("ingest", str(corpus), env=_env(settings, data_dir, args.batch))
        if clean.returncode != 0:
            raise SystemExit(f"the clean ingest failed:\n{clean.stderr}")
        baseline = graph_fingerprint(store)
        console.print(f"clean ingest: {len(baseline[0])} nodes, {len(baseline[1])} relationships")
        table = Table("seed", "killed at", "exit", "resumed in s", "graph equal", "index check")
        survived = 0
        for seed in range(args.seeds):
            rng = random.Random(seed)
            point = rng.choice(POINTS)
            where = f"{point}:{rng.randint(1, passes[point])}"
            _fresh(store, data_dir)
            killed = _cli("ingest", str(corpus), env=_env(settings, data_dir, args.batch, where))
            began = time.perf_counter()
            again = _cli("ingest", str(corpus), env=_env(settings, data_dir, args.batch))
            seconds = time.perf_counter() - began
            equal = again.returncode == 0 and graph_fingerprint(store) == baseline
            check = _cli("index", "check", env=_env(settings, data_dir, args.batch)).returncode == 0
            survived += killed.returncode == -9 and equal and check
            table.add_row(str(seed), where, str(killed.returncode), f"{seconds:.1f}", str(equal), str(check))
        console.print(table)
        console.print(f"{survived} of {args.seeds} kills survived (killed, resumed, graph equal, indexes agree)")
        if survived != args.seeds:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
