"""The ingest of this checkout against an earlier commit's, alternated in one run on one throwaway Neo4j.

    python benchmarks/ingest_versions.py --baseline REF [--rounds 2] [--limit N] [--corpus DIR] [--json FILE]

Each round runs ``trellis ingest CORPUS`` of the baseline (a git worktree at REF) and of this checkout, both with
this environment's interpreter and packages, each a process of its own into the emptied database and a fresh data
folder, timed from start to exit (start-up and loading the models included, as a user waits for them); which one
goes first alternates between rounds, and each side ingests once untimed first. The server, and so its schema and
indexes, is this checkout's: what is compared is the ingest's code. Reported: the seconds and tokens/s of every run,
what each built (documents, chunks, entities, relationships), and this checkout's mean tokens/s over the baseline's.

The baseline may be a commit from before the ``trellis`` namespace (its command is ``api.cli:main``) or after it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path
from time import perf_counter
from typing import Any

from _common import cpu_model, throwaway_server
from _serving import REPO, baseline_worktree, cli_env, head_revision, trellis_command
from ingest import corpus_parser, parse_corpus_arguments, stage_corpus
from rich.console import Console
from rich.table import Table

from trellis.kg.graph import GraphStore
from trellis.kg.ingest.loaders import load_paths
from trellis.kg.settings import Settings
from trellis.kg.types import Document


def corpus_tokens(corpus: Path, settings: Settings) -> int:
    """Whitespace words of the corpus's documents, as ``IngestReport.tokens`` counts them."""
    loaded = load_paths([corpus], exclude=settings.ingest_exclude, max_bytes=settings.max_document_bytes)
    return sum(len(found.text.split()) for found in loaded if isinstance(found, Document))


def timed_ingest(
    name: str, side: tuple[list[str], dict[str, str]], *, corpus: Path, store: GraphStore, base: Settings, folder: Path
) -> dict[str, Any]:
    """One ``trellis ingest`` into the emptied database and a fresh data folder, run in ``folder`` (no project's
    ``.env`` there): seconds and what it built."""
    command, extra_env = side
    store.execute("delete_everything")
    data = folder / name
    shutil.rmtree(data, ignore_errors=True)
    env = cli_env(base, TRELLIS_DATA_DIR=str(data), **extra_env)  # the server's password stays in base's folder
    began = perf_counter()
    subprocess.run([*command, "ingest", str(corpus)], env=env, cwd=folder, check=True, stdout=subprocess.DEVNULL)
    seconds = perf_counter() - began
    (counts,) = store.query("graph_counts")
    return {"seconds": seconds, "built": {key: int(value) for key, value in counts.items()}}


def run(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="trellis-bench-versions-")))
        worktree = stack.enter_context(baseline_worktree(args.baseline, folder))
        sides = {
            "baseline": trellis_command(worktree, folder / "shim-baseline"),
            "current": trellis_command(REPO, folder / "shim-current"),
        }
        corpus = stage_corpus(args.corpus, args.limit, folder)
        base, store = stack.enter_context(throwaway_server(console, heap=args.heap, pagecache=args.pagecache))
        tokens = corpus_tokens(corpus, base)
        with console.status("warming up the server and each side's bytecode (an ingest each, not timed) ..."):
            for side, command in sides.items():
                timed_ingest(f"warm-up-{side}", command, corpus=corpus, store=store, base=base, folder=folder)
        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "current": []}
        for number in range(1, args.rounds + 1):
            order = ["baseline", "current"] if number % 2 else ["current", "baseline"]
            for side in order:
                console.rule(f"round {number}: {side}")
                result = timed_ingest(
                    f"{side}-{number}", sides[side], corpus=corpus, store=store, base=base, folder=folder
                )
                runs[side].append(result)
                rate = tokens / result["seconds"]
                console.print(f"{result['seconds']:.1f} s, {rate:,.0f} tokens/s, {result['built']}")
    mean = {side: statistics.fmean(tokens / r["seconds"] for r in results) for side, results in runs.items()}
    return {
        "cpu": cpu_model(), "baseline": args.baseline, "current": head_revision(), "tokens": tokens, "runs": runs,
        "tokens_per_second": mean, "current_over_baseline": mean["current"] / mean["baseline"],
    }  # fmt: skip


def show(console: Console, figures: dict[str, Any]) -> None:
    table = Table(title=f"trellis ingest, {figures['tokens']:,} tokens, {figures['cpu']}")
    for column in ("code", "round", "seconds", "tokens/s", "entities", "relationships"):
        table.add_column(column, justify="left" if column == "code" else "right")
    for side, results in figures["runs"].items():
        label = figures["baseline"] if side == "baseline" else figures["current"]
        for number, result in enumerate(results, start=1):
            built = result["built"]
            table.add_row(
                label, str(number), f"{result['seconds']:.1f}", f"{figures['tokens'] / result['seconds']:,.0f}",
                str(built.get("entities", "")), str(built.get("relationships", "")),
            )  # fmt: skip
    table.caption = f"this checkout / baseline, mean tokens/s: {figures['current_over_baseline']:.2f}"
    console.print(table)


def main() -> None:
    parser = corpus_parser(__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the commit (or any git ref) to compare against")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both ingests, order alternating (default 2)")
    args = parse_corpus_arguments(parser)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    console = Console()
    figures = run(args, console)
    show(console, figures)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        console.print(f"figures saved to {args.json}")


if __name__ == "__main__":
    main()
