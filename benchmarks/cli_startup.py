"""Start-up of the command-line tool for commands that need no model: the working tree against the code of an
earlier commit (the baseline; by default the last one before ``trellis.retrieval`` loaded its names lazily, when
such commands imported spaCy and torch), in one run.

    python benchmarks/cli_startup.py [--baseline REV] [--repeat 3]

The baseline's packages are checked out into a temporary git worktree and put first on ``PYTHONPATH``. Each
command runs as a fresh process against a throwaway Neo4j holding one ingested document, the two ways
interleaved: ``trellis documents``,
``trellis ask`` with an empty question (refused), ``trellis feedback list`` and ``trellis --help``. Reports the
median wall time of each way and the ratio baseline / now.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter

from _common import cpu_model, throwaway_server
from rich.console import Console
from rich.table import Table

from trellis.kg.graph.auth import resolve_password

COMMANDS: dict[str, list[str]] = {
    "documents": ["documents"],
    "ask (empty question)": ["ask", "   "],
    "feedback list": ["feedback", "list"],
    "--help": ["--help"],
}
PACKAGES = ("kg", "retrieval", "training", "api", "cypher")
_RUN = "import sys; from trellis.api.cli.app import main; sys.argv = ['trellis', *sys.argv[1:]]; main()"
_REPO = Path(__file__).resolve().parent.parent


@contextmanager
def baseline_packages(revision: str) -> Iterator[Path]:
    """A folder holding ``trellis`` as it was at ``revision`` (a git worktree, removed on the way out)."""
    with tempfile.TemporaryDirectory(prefix="trellis-cli-baseline-") as folder:
        tree, packages = Path(folder) / "tree", Path(folder) / "packages" / "trellis"
        subprocess.run(["git", "-C", str(_REPO), "worktree", "add", "-q", "--detach", str(tree), revision], check=True)
        try:
            packages.mkdir(parents=True)
            for name in PACKAGES:
                (packages / name).symlink_to(tree / name)
            yield packages.parent
        finally:
            subprocess.run(["git", "-C", str(_REPO), "worktree", "remove", "--force", str(tree)], check=False)


def _seconds(arguments: list[str], env: dict[str, str]) -> float:
    began = perf_counter()
    subprocess.run([sys.executable, "-c", _RUN, *arguments], env=env, capture_output=True, check=False)
    return perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="13138f9", help="the commit to compare with (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command each way (the median counts)")
    args = parser.parse_args()
    console = Console()
    title = f"CLI start-up, {args.baseline} against the working tree ({cpu_model()})"
    table = Table("command", "baseline s", "now s", "baseline / now", title=title)
    with baseline_packages(args.baseline) as baseline, throwaway_server(console) as (settings, _store):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TRELLIS_", "NEO4J_"))}
        env |= {
            "HF_HUB_OFFLINE": "1",
            "TRELLIS_DATA_DIR": str(settings.data_dir),
            "TRELLIS_CACHE_DIR": str(settings.cache_dir),
            "TRELLIS_NEO4J_BOLT_PORT": str(settings.neo4j_bolt_port),
            "TRELLIS_NEO4J_HTTP_PORT": str(settings.neo4j_http_port),
            "NEO4J_PASSWORD": resolve_password(settings),
        }
        facts = Path(settings.data_dir) / "facts.txt"
        facts.parent.mkdir(parents=True, exist_ok=True)
        facts.write_text("Tirana is the capital of Albania. Baku is the capital of Azerbaijan.", encoding="utf-8")
        with console.status("ingesting one document (the commands need a graph and its indexes) ..."):
            subprocess.run([sys.executable, "-c", _RUN, "ingest", str(facts)], env=env, capture_output=True, check=True)
        for name, arguments in COMMANDS.items():
            before, now = [], []
            for _ in range(args.repeat):  # interleaved, so that a busy moment weighs on both alike
                before.append(_seconds(arguments, env | {"PYTHONPATH": str(baseline)}))
                now.append(_seconds(arguments, env))
            old, new = statistics.median(before), statistics.median(now)
            table.add_row(name, f"{old:.2f}", f"{new:.2f}", f"{old / new:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
