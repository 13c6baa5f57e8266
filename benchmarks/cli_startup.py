"""Start-up of the command-line tool for commands that need no model, against the same commands with the
retriever's imports paid first (the baseline: what every such command paid while ``trellis.retrieval`` loaded its
retriever, spaCy and torch on import), in one run.

    python benchmarks/cli_startup.py [--repeat 3]

Each command runs as a fresh process against a throwaway Neo4j: ``trellis documents``, ``trellis ask`` with an
empty question (refused), ``trellis feedback list`` and ``trellis --help``. Reports the median wall time of each
way and the ratio baseline / now. For ``ask`` the baseline is a lower bound: before, it also loaded the models
before it refused the question.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from time import perf_counter

from rich.console import Console
from rich.table import Table

from benchmarks._common import cpu_model, throwaway_server
from trellis.kg.graph.auth import resolve_password

COMMANDS: dict[str, list[str]] = {
    "documents": ["documents"],
    "ask (empty question)": ["ask", "   "],
    "feedback list": ["feedback", "list"],
    "--help": ["--help"],
}
_NOW = "import sys; from trellis.api.cli.app import main; sys.argv = ['trellis', *sys.argv[1:]]; main()"
_BASELINE = f"import trellis.retrieval.retriever; {_NOW}"


def _seconds(code: str, arguments: list[str], env: dict[str, str]) -> float:
    began = perf_counter()
    subprocess.run([sys.executable, "-c", code, *arguments], env=env, capture_output=True, check=False)
    return perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command each way (the median counts)")
    args = parser.parse_args()
    console = Console()
    table = Table("command", "baseline s", "now s", "baseline / now", title=f"CLI start-up ({cpu_model()})")
    with throwaway_server(console) as (settings, _store):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TRELLIS_", "NEO4J_"))}
        env |= {
            "HF_HUB_OFFLINE": "1",
            "TRELLIS_DATA_DIR": str(settings.data_dir),
            "TRELLIS_CACHE_DIR": str(settings.cache_dir),
            "TRELLIS_NEO4J_BOLT_PORT": str(settings.neo4j_bolt_port),
            "TRELLIS_NEO4J_HTTP_PORT": str(settings.neo4j_http_port),
            "NEO4J_PASSWORD": resolve_password(settings),
        }
        for name, arguments in COMMANDS.items():
            before, now = [], []
            for _ in range(args.repeat):  # interleaved, so that a busy moment weighs on both alike
                before.append(_seconds(_BASELINE, arguments, env))
                now.append(_seconds(_NOW, arguments, env))
            old, new = statistics.median(before), statistics.median(now)
            table.add_row(name, f"{old:.2f}", f"{new:.2f}", f"{old / new:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
