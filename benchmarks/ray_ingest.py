"""Ingest on a local Ray against the single-process ingest, in one run, on a throwaway Neo4j server of its own.

    python benchmarks/ray_ingest.py [--limit N] [--corpus DIR] [--cpus 2] [--command-rounds 1] [--json FILE]

The corpus is ``data/sample`` (``--limit N`` keeps its first N Wikipedia articles). Both ingests run into an emptied
database with a fresh FAISS folder, the single-process one first; the models and the server are warmed up before
either is timed (as ``benchmarks/ingest.py`` does). Ray runs on this machine with ``--cpus`` CPUs (2 workers by
default: one extraction actor, one embedding actor, loading and chunking beside them), started before the timing.
Reported:

1. seconds of each ingest and their ratio (target: Ray within 15% of one process), and that both built the same
   graph (the fingerprint of :mod:`kg.graph.fingerprint`). Ray's time includes starting its actors, which load
   their models for every ingest; the seconds until the first document reached the driver are shown beside it.
2. the throughput of each Ray stage per worker (tokens per worker-second: each actor runs one thread, so this is
   per core on a CPU), and of the driver's own work (resolution, Neo4j writes, FAISS).
3. an estimate of a cluster's throughput per added core and per GPU, from those rates, with its assumptions.
4. the two commands as a user runs them, ``trellis ingest CORPUS`` and ``trellis ingest CORPUS --ray`` (a local Ray
   of 2 CPUs), each a process of its own timed from start to exit, for ``--command-rounds`` rounds: here both pay for
   starting and loading their models, where 1. warms the single process up and Ray's actors load theirs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path
from time import perf_counter
from typing import Any

from _common import cpu_model, throwaway_server
from _serving import REPO, cli_env, trellis_command
from ingest import corpus_parser, parse_corpus_arguments, stage_corpus, warm_up, warm_up_server
from rich.console import Console
from rich.table import Table

from trellis.api.cli.progress import StageBars
from trellis.kg.graph import GraphStore
from trellis.kg.graph.fingerprint import Fingerprint, graph_fingerprint
from trellis.kg.ingest.distributed import RayIngest, ray_session
from trellis.kg.ingest.distributed.handover import StageTotals
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.ingest.report import IngestReport
from trellis.kg.settings import Settings

_HERE = Path(__file__).resolve().parent

TARGET = 1.15  # Ray's seconds at most this many times one process's
RAY_STAGES = ("load", "chunk", "extract", "embed")
DRIVER_STAGES = ("resolve", "write", "index")
GPU_EMBEDDING_SPEED_UP = 50.0
"""Assumed: one GPU embeds as fast as this many CPU cores (all-MiniLM-L6-v2, batches of 64); not measured here."""


class FirstDocument(StageBars):
    """The CLI's bars, noting when the first document reached the driver."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self.began = perf_counter()
        self.first: float | None = None

    def advance(self, name: str, amount: int = 1) -> None:
        if name == "load" and self.first is None:
            self.first = perf_counter() - self.began
        super().advance(name, amount)


def _fresh(store: GraphStore, settings: Settings, folder: Path, name: str) -> Settings:
    store.execute("delete_everything")
    data = folder / name
    shutil.rmtree(data, ignore_errors=True)
    return settings.model_copy(update={"data_dir": data})


def _rate(tokens: int, seconds: float) -> float:
    return tokens / seconds if seconds > 0 else 0.0


def stage_rates(totals: StageTotals, report: IngestReport, single: IngestReport) -> dict[str, dict[str, float]]:
    """Tokens per worker-second of each Ray stage, and per second of the driver's own stages (and of the same stages
    in the single-process ingest, for comparison)."""
    rates = {
        stage: {
            "seconds": totals.seconds[stage],
            "tokens": totals.tokens[stage],
            "chunks": totals.chunks[stage],
            "tokens_per_worker_second": _rate(totals.tokens[stage], totals.seconds[stage]),
        }
        for stage in RAY_STAGES
        if stage in totals.seconds
    }
    for stage in DRIVER_STAGES:
        seconds = report.stage_seconds.get(stage, 0.0)
        rates[f"driver: {stage}"] = {
            "seconds": seconds, "tokens": report.tokens, "chunks": report.chunks,
            "tokens_per_worker_second": _rate(report.tokens, seconds),
        }  # fmt: skip
    for stage in (*RAY_STAGES[1:], *DRIVER_STAGES):
        seconds = single.stage_seconds.get(stage, 0.0)
        rates[f"one process: {stage}"] = {
            "seconds": seconds, "tokens": single.tokens, "chunks": single.chunks,
            "tokens_per_worker_second": _rate(single.tokens, seconds),
        }  # fmt: skip
    return rates


def scaling(rates: dict[str, dict[str, float]], report: IngestReport) -> dict[str, float]:
    """Tokens/s a cluster adds per core, with and without GPUs for the embedding, and the driver's ceiling."""
    per_token = {stage: 1 / rates[stage]["tokens_per_worker_second"] for stage in RAY_STAGES if stage in rates}
    cpu_cost = sum(per_token.values())  # core-seconds per token over the Ray stages
    gpu_cost = cpu_cost - per_token.get("embed", 0.0)
    driver = sum(report.stage_seconds.get(stage, 0.0) for stage in DRIVER_STAGES)
    return {
        "core_seconds_per_1k_tokens": 1000 * cpu_cost,
        "tokens_per_second_per_core": 1 / cpu_cost,
        "tokens_per_second_per_core_with_gpu_embedding": 1 / gpu_cost,
        "cores_one_gpu_serves": (1 / per_token["embed"]) * GPU_EMBEDDING_SPEED_UP * gpu_cost if "embed" in per_token
        else 0.0,
        "driver_ceiling_tokens_per_second": _rate(report.tokens, driver),
        "cores_to_reach_driver_ceiling": _rate(report.tokens, driver) * cpu_cost,
    }  # fmt: skip


def run(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="trellis-bench-ray-")))
        corpus = stage_corpus(args.corpus, args.limit, folder)
        base, store = stack.enter_context(throwaway_server(console, heap=args.heap, pagecache=args.pagecache))
        with console.status("loading spaCy and the embedding model ..."):
            pipeline = IngestPipeline(base, store=store)
            warm_up(pipeline)
        warm_up_server(pipeline, corpus, folder, console)
        console.print(f"starting Ray on this machine ({args.cpus} CPUs) ...")
        with ray_session(None, cpus=args.cpus) as cluster:  # shut down before the commands start their own
            console.rule("1. one process")
            pipeline.settings = _fresh(store, base, folder, "one-process")
            with StageBars(console) as bars:
                pipeline.progress = bars
                single = pipeline.ingest([corpus])
            expected = graph_fingerprint(store)

            console.rule(f"2. Ray on this machine ({args.cpus} CPUs)")
            pipeline.settings = _fresh(store, base, folder, "ray")
            timed = FirstDocument(console)
            with timed:
                pipeline.progress = timed
                ray = RayIngest(pipeline, cluster)
                distributed = ray.ingest([corpus])
            same = graph_fingerprint(store) == expected
            first = timed.first or 0.0
        command = trellis_command(REPO, folder / "shim")
        commands = [
            _commands(round_, command, store=store, base=base, folder=folder, corpus=corpus, expected=expected,
                      console=console)
            for round_ in range(1, args.command_rounds + 1)
        ]  # fmt: skip

    rates = stage_rates(ray.totals, distributed, single)
    estimate = scaling(rates, distributed)
    ratio = distributed.seconds / single.seconds if single.seconds else float("inf")
    _show(console, single, distributed, first, ratio, same, rates, estimate, ray.plan.model_dump())
    _show_commands(console, commands)
    return {
        "cpu": cpu_model(),
        "ray_cpus": args.cpus,
        "plan": ray.plan.model_dump(),
        "corpus": {"documents": single.documents, "chunks": single.chunks, "tokens": single.tokens},
        "one_process_seconds": single.seconds,
        "ray_seconds": distributed.seconds,
        "ray_seconds_to_first_document": first,
        "ratio": ratio,
        "target": TARGET,
        "met": ratio <= TARGET,
        "same_graph": same,
        "failed": {"one_process": single.failed, "ray": distributed.failed},
        "stages": rates,
        "commands": commands,
        "commands_ratio": _command_ratio(commands),
        "scaling": estimate,
        "assumed_gpu_embedding_speed_up": GPU_EMBEDDING_SPEED_UP,
    }


def _commands(
    round_: int,
    command: tuple[list[str], dict[str, str]],
    *,
    store: GraphStore,
    base: Settings,
    folder: Path,
    corpus: Path,
    expected: Fingerprint,
    console: Console,
) -> dict[str, Any]:
    """``trellis ingest CORPUS`` and ``trellis ingest CORPUS --ray``, each a process of its own into an emptied
    database and a fresh data folder, timed from start to exit as a user waits for them: start-up, loading the
    models (and, with --ray, starting a local Ray with its actors) included."""
    seconds: dict[str, float] = {}
    same: dict[str, bool] = {}
    for name, extra in (("one process", []), ("--ray", ["--ray"])):
        console.rule(f"4. the command, round {round_}: trellis ingest {' '.join(extra)}".rstrip())
        settings = _fresh(store, base, folder, f"command-{round_}-{name.strip('-').replace(' ', '-')}")
        argv, extra_env = command  # this checkout's code, whatever the installed `trellis` points at
        env = cli_env(base, TRELLIS_DATA_DIR=str(settings.data_dir), **extra_env)  # the password: base's folder
        began = perf_counter()
        subprocess.run(
            [*argv, "ingest", str(corpus), *extra], env=env, cwd=folder, check=True, stdout=subprocess.DEVNULL
        )
        seconds[name] = perf_counter() - began
        same[name] = graph_fingerprint(store) == expected
        console.print(f"{name}: {seconds[name]:.1f} s, same graph: {same[name]}")
    return {"seconds": seconds, "same_graph": same}


def _command_ratio(commands: list[dict[str, Any]]) -> float | None:
    """Ray's seconds over one process's, summed over the rounds (None without rounds)."""
    single = sum(round_["seconds"]["one process"] for round_ in commands)
    return sum(round_["seconds"]["--ray"] for round_ in commands) / single if single else None


def _show_commands(console: Console, commands: list[dict[str, Any]]) -> None:
    ratio = _command_ratio(commands)
    if ratio is None:
        return
    table = Table(title="the command as a user runs it (start-up and models included)")
    for column in ("round", "trellis ingest", "trellis ingest --ray", "ratio", "same graph"):
        table.add_column(column, justify="right")
    for number, round_ in enumerate(commands, start=1):
        one, ray = round_["seconds"]["one process"], round_["seconds"]["--ray"]
        table.add_row(
            str(number), f"{one:.1f} s", f"{ray:.1f} s", f"{ray / one:.2f}", str(all(round_["same_graph"].values()))
        )
    verdict = "[green]met[/green]" if ratio <= TARGET else "[red]missed[/red]"
    table.caption = f"--ray / one process over all rounds = {ratio:.2f} (target <= {TARGET:.2f}: {verdict})"
    console.print(table)


def _show(
    console: Console,
    single: IngestReport,
    distributed: IngestReport,
    first: float,
    ratio: float,
    same: bool,
    rates: dict[str, dict[str, float]],
    estimate: dict[str, float],
    plan: dict[str, Any],
) -> None:
    console.print(f"CPU: {cpu_model()}")
    table = Table(title=f"{single.documents} documents, {single.chunks} chunks, {single.tokens:,} tokens")
    for column in ("ingest", "seconds", "tokens/s"):
        table.add_column(column, justify="left" if column == "ingest" else "right")
    table.add_row("one process", f"{single.seconds:.1f}", f"{single.tokens_per_second:,.0f}")
    table.add_row("Ray, local", f"{distributed.seconds:.1f}", f"{distributed.tokens_per_second:,.0f}")
    table.add_row("  of which until the first document", f"{first:.1f}", "")
    verdict = "[green]met[/green]" if ratio <= TARGET else "[red]missed[/red]"
    table.caption = (
        f"Ray / one process = {ratio:.2f} (target <= {TARGET:.2f}: {verdict}); same graph fingerprint: {same}"
    )
    console.print(table)
    stages = Table(title="Ray stages (per worker: one thread each) and the driver's stages")
    for column in ("stage", "seconds", "chunks", "tokens/s"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for stage, figures in rates.items():
        stages.add_row(
            stage,
            f"{figures['seconds']:.2f}",
            str(int(figures["chunks"])),
            f"{figures['tokens_per_worker_second']:,.0f}",
        )
    console.print(stages)
    console.print(f"plan: {plan}")
    e = estimate
    console.print(
        f"estimate: each added core adds ~{e['tokens_per_second_per_core']:,.0f} tokens/s "
        f"({e['core_seconds_per_1k_tokens']:.2f} core-seconds per 1k tokens over load, chunk, extract, embed); "
        f"with the embedding on GPUs ~{e['tokens_per_second_per_core_with_gpu_embedding']:,.0f} tokens/s per core, "
        f"one GPU serving ~{e['cores_one_gpu_serves']:.0f} cores' worth (assumed {GPU_EMBEDDING_SPEED_UP:.0f}x a "
        f"core); the driver's resolution and writes cap the cluster near "
        f"{e['driver_ceiling_tokens_per_second']:,.0f} tokens/s (~{e['cores_to_reach_driver_ceiling']:.0f} cores)"
    )


def main() -> None:
    parser = corpus_parser(__doc__.splitlines()[0])
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray (default 2)")
    parser.add_argument(
        "--command-rounds", type=int, default=1, help="rounds of the two `trellis ingest` commands (default 1; 0: none)"
    )
    args = parse_corpus_arguments(parser)
    console = Console()
    results = run(args, console)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        console.print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
