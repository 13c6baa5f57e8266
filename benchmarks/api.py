"""API throughput under a bounded loopback load, side by side with the same work called in-process, in one run.

    python benchmarks/api.py [--seconds 60] [--clients 16] [--corpus DIR] [--limit N] [--embedding-cache N]
                             [--answer-log] [--json FILE]

A throwaway Neo4j of the benchmark's own gets the sample corpus (``data/sample``); ``trellis serve`` runs as a
separate process on a free port (the real server: uvicorn, auth, limits, middleware, metrics), and ``--clients``
concurrent clients send GraphQL ``search`` and then extractive ``ask`` operations for ``--seconds`` each, over
HTTP keep-alive. The named baseline is the same work called in-process with as many threads: the ``search``
resolver's work (embed the text, hybrid passage search) and ``Retriever.answer``. Reported per operation: req/s,
p50 and p95 latency, errors, and the API's req/s as a ratio of the baseline's. Target (issue 6): >= 100 search
req/s with p95 <= 200 ms and 0 errors. The numbers depend on the machine: run it on an idle one.

The server's cache of query embeddings is off unless ``--embedding-cache N`` sizes it: the clients cycle through a
few hundred questions, which a cache of that size would answer without the model after the first pass. Both the
server and the baseline use ``settings.api_compute_threads`` threads per model or FAISS operation, and the same GIL
switch interval (``settings.api_switch_interval_ms``).

``--answer-log`` measures what logging answers costs instead (issue 23's target: at most 5 ms more p50 ``ask``
latency): two servers run side by side, ``TRELLIS_ANSWER_LOG=false`` and ``true``, and each client sends every
question to both in turn (alternating which goes first), so both see the same load; it reports both p50s, their
difference and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

import aiohttp
from _common import free_port, throwaway_server
from _serving import KEY, QUESTIONS, REPO, percentile, start_api
from rich.console import Console
from rich.table import Table

from trellis.api.cli.progress import StageBars
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import Settings
from trellis.kg.vectors.threads import limit_compute_threads
from trellis.retrieval import AnswerOptions, Retriever
from trellis.retrieval.search import PassageSearch

_HERE = Path(__file__).resolve().parent

SEARCH = "query($q: String!) { search(text: $q, k: 6) { score chunk { id } } }"
ASK = "query($q: String!) { ask(question: $q) { text citations { number } } }"
TARGET_RPS, TARGET_P95_MS = 100.0, 200.0


def summary(latencies: list[float], errors: int, seconds: float) -> dict[str, float]:
    return {
        "requests": len(latencies) + errors,
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "errors": errors,
    }


def in_process(work: Callable[[str], Any], *, clients: int, seconds: float) -> dict[str, float]:
    """The baseline: ``work`` called by ``clients`` threads for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = perf_counter() + seconds

    def client(number: int) -> None:
        nonlocal errors
        i = number
        while perf_counter() < deadline:
            began = perf_counter()
            try:
                work(QUESTIONS[i % len(QUESTIONS)])
                elapsed = perf_counter() - began
                with lock:
                    latencies.append(elapsed)
            except Exception:
                with lock:
                    errors += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(latencies, errors, perf_counter() - began)


async def over_http(url: str, query: str, *, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` concurrent GraphQL clients sending ``query`` for ``seconds``, over keep-alive connections.

    The clients use aiohttp: they share the machine's cores with the server, and httpx spent about 3.5 ms of CPU
    a request here against aiohttp's ~1 ms (measured), CPU the server would otherwise have had.
    """
    latencies: list[float] = []
    errors = 0
    deadline = perf_counter() + seconds
    headers = {"Authorization": f"Bearer {KEY}"}
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base_url=url, connector=connector, timeout=timeout, headers=headers) as http:

        async def client(number: int) -> None:
            nonlocal errors
            i = number
            while perf_counter() < deadline:
                payload = {"query": query, "variables": {"q": QUESTIONS[i % len(QUESTIONS)]}}
                began = perf_counter()
                try:
                    async with http.post("/graphql", json=payload) as response:
                        body = await response.json()
                        ok = response.status == 200 and not body.get("errors")
                except (aiohttp.ClientError, TimeoutError, ValueError):
                    ok = False
                if ok:
                    latencies.append(perf_counter() - began)
                else:
                    errors += 1
                i += 1

        began = perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        return summary(latencies, errors, perf_counter() - began)


def limited(corpus: Path, limit: int | None, folder: Path) -> Path:
    """``corpus`` itself, or a copy holding its first ``limit`` JSONL articles and its other files."""
    if limit is None:
        return corpus
    folder.mkdir(parents=True)
    for path in corpus.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            target.write_text("".join(lines[:limit]) if path.suffix == ".jsonl" else "".join(lines), encoding="utf-8")
    return folder


async def paired(urls: tuple[str, str], *, clients: int, seconds: float) -> tuple[list[float], list[float]]:
    """``clients`` clients, each sending the same ``ask`` to both servers in turn (which goes first alternates), so
    the two see the same load from the rest of the machine; the latencies of each server's answers."""
    latencies: tuple[list[float], list[float]] = ([], [])
    deadline = perf_counter() + seconds
    headers = {"Authorization": f"Bearer {KEY}"}
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=2 * clients), timeout=timeout) as http:

        async def client(number: int) -> None:
            i = number
            while perf_counter() < deadline:
                payload = {"query": ASK, "variables": {"q": QUESTIONS[i % len(QUESTIONS)]}}
                for side in (i % 2, 1 - i % 2):
                    began = perf_counter()
                    async with http.post(f"{urls[side]}/graphql", json=payload, headers=headers) as response:
                        body = await response.json()
                    if response.status == 200 and not body.get("errors"):
                        latencies[side].append(perf_counter() - began)
                i += 1

        await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies


def answer_log_cost(console: Console, settings: Settings, *, clients: int, seconds: float, out: Path | None) -> None:
    """p50 ``ask`` latency over HTTP of two servers, the answer log off in one and on in the other, asked in turn."""
    ports = (free_port(), free_port())
    servers = [
        start_api(settings, port, settings.data_dir / f"api-log-{logged}.log", TRELLIS_ANSWER_LOG=logged)
        for port, logged in zip(ports, ("false", "true"), strict=True)
    ]
    urls = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        asyncio.run(paired(urls, clients=clients, seconds=min(10.0, seconds)))  # warm-up
        with console.status(f"ask, answer log off and on in turn, {clients} clients, {seconds:.0f} s"):
            off, on = asyncio.run(paired(urls, clients=clients, seconds=seconds))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=60)
    p50_off, p50_on = percentile(off, 0.5) * 1000, percentile(on, 0.5) * 1000
    console.print(
        f"ask p50 without the log {p50_off:.1f} ms ({len(off)} answers), with it {p50_on:.1f} ms ({len(on)}): "
        f"{p50_on - p50_off:+.1f} ms, ratio {p50_on / p50_off:.3f} (target: at most +5 ms); {clients} clients"
    )
    if out is not None:
        out.write_text(json.dumps({"clients": clients, "seconds": seconds, "answers": [len(off), len(on)],
                                   "p50_ms_off": p50_off, "p50_ms_on": p50_on, "ratio": p50_on / p50_off}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="Length of each of the four runs.")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "sample")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N Wikipedia articles of the corpus.")
    parser.add_argument(
        "--embedding-cache", type=int, default=0, help="Query embeddings the server (and baseline) keep; 0: none."
    )
    parser.add_argument("--answer-log", action="store_true", help="Compare ask latency with and without the log.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    arguments = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    console = Console()
    base = Settings(device="cpu", embedding_cache_size=arguments.embedding_cache)
    if base.api_compute_threads:
        limit_compute_threads(base.api_compute_threads)  # the baseline gets the server's threads per operation
    sys.setswitchinterval(base.api_switch_interval_ms / 1000)  # and its GIL switch interval
    with throwaway_server(console, base=base) as (settings, store):
        corpus = limited(arguments.corpus, arguments.limit, settings.data_dir / "corpus")
        with StageBars(console) as bars:
            report = IngestPipeline(settings, store=store, progress=bars).ingest([corpus])
        console.print(f"ingested {report.documents} documents, {report.chunks} chunks")
        retriever = Retriever(settings, store=store)

        def search(text: str) -> Any:  # the search resolver's work (api/graphql/queries.py)
            vector = retriever.embedder.embed_queries([text])[0]
            return PassageSearch(store=retriever.store, index=retriever.chunk_index, candidates=6).run(text, vector)

        def ask(text: str) -> Any:
            return retriever.answer(text, AnswerOptions())

        for question in QUESTIONS:  # warm-up: models, caches, the store's connections
            ask(question)
        if arguments.answer_log:
            retriever.close()
            answer_log_cost(console, settings, clients=arguments.clients, seconds=arguments.seconds, out=arguments.json)
            return
        port = free_port()
        log = settings.data_dir / "api-benchmark.log"
        api = start_api(settings, port, log)
        url = f"http://127.0.0.1:{port}"
        results: dict[str, dict[str, float]] = {}
        try:
            for name, query, work in (("search", SEARCH, search), ("ask (extractive)", ASK, ask)):
                asyncio.run(over_http(url, query, clients=arguments.clients, seconds=min(5.0, arguments.seconds)))
                with console.status(f"{name}: API, {arguments.clients} clients, {arguments.seconds:.0f} s"):
                    results[f"{name} API"] = asyncio.run(
                        over_http(url, query, clients=arguments.clients, seconds=arguments.seconds)
                    )
                with console.status(f"{name}: in-process baseline, {arguments.clients} threads"):
                    results[f"{name} in-process"] = in_process(
                        work, clients=arguments.clients, seconds=arguments.seconds
                    )
        finally:
            api.terminate()
            api.wait(timeout=30)
            retriever.close()
    table = Table(title=f"API load: {arguments.clients} clients, {arguments.seconds:.0f} s per run")
    for column in ("run", "requests", "req/s", "p50 ms", "p95 ms", "errors", "API / in-process"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for name, row in results.items():
        base = results.get(name.replace(" API", " in-process"))
        ratio = f"{row['rps'] / base['rps']:.2f}x" if name.endswith(" API") and base and base["rps"] else ""
        table.add_row(name, *(str(row[key]) for key in ("requests", "rps", "p50_ms", "p95_ms", "errors")), ratio)
    console.print(table)
    search_api = results["search API"]
    met = search_api["rps"] >= TARGET_RPS and search_api["p95_ms"] <= TARGET_P95_MS and search_api["errors"] == 0
    console.print(
        f"target: search >= {TARGET_RPS:.0f} req/s, p95 <= {TARGET_P95_MS:.0f} ms, 0 errors: "
        + ("[green]met[/green]" if met else "[red]not met[/red]")
    )
    if arguments.json:
        arguments.json.write_text(
            json.dumps(
                {
                    "clients": arguments.clients,
                    "seconds": arguments.seconds,
                    "embedding_cache": arguments.embedding_cache,
                    **results,
                }
            )
        )


if __name__ == "__main__":
    main()
