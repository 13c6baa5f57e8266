"""Start-up of the command-line tool for commands that need no model: the working tree against the code of an
earlier commit (the baseline; by default the last one before ``trellis.retrieval`` loaded its names lazily, when
such commands imported spaCy and torch), in one run.

    python benchmarks/cli_startup.py [--baseline REV] [--repeat 3]

The baseline is checked out into a temporary git worktree; each side runs its own code through
:func:`_serving.trellis_command`. Each command runs as a fresh process against a throwaway Neo4j holding one
ingested document, the two sides interleaved after one untimed run each: ``trellis documents``, ``trellis ask``
with an empty question (refused), ``trellis eval retrieval`` of a malformed question file (refused),
``trellis feedback list`` and ``trellis --help``. A run that does not end as the
command should stops the benchmark. Reports the median wall time of each side and the ratio baseline / now.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path
from time import perf_counter

from _common import cpu_model, throwaway_server
from _serving import REPO, baseline_worktree, cli_env, head_revision, trellis_command
from rich.console import Console
from rich.table import Table

COMMANDS: dict[str, tuple[list[str], int, str]] = {
    "documents": (["documents"], 0, ""),
    "ask (empty question)": (["ask", "   "], 1, "the question is empty"),
    "eval (malformed question file)": (
        ["eval", "retrieval", "--set", "{questions}", "--current-graph", "--no-history"],
        1,
        "not an evaluation question",
    ),
    "feedback list": (["feedback", "list"], 0, ""),
    "--help": (["--help"], 0, ""),
}
"""Each command's arguments (``{questions}``: a question file whose answers are not a list), the exit code it must
end with, and what its error line must say."""

Side = tuple[list[str], dict[str, str]]


def _seconds(side: Side, arguments: list[str], *, code: int, says: str) -> float:
    """One fresh run's wall time; a run that ends otherwise than ``code`` (and ``says``) stops the benchmark."""
    command, env = side
    began = perf_counter()
    done = subprocess.run([*command, *arguments], env=env, capture_output=True, text=True, check=False)
    seconds = perf_counter() - began
    if done.returncode != code or says not in done.stderr:
        raise SystemExit(f"`trellis {' '.join(arguments)}` ended with {done.returncode}: {done.stderr[-500:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="13138f9", help="the commit to compare with (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each command each side (the median)")
    args = parser.parse_args()
    console = Console()
    current = head_revision()
    table = Table("command", f"{args.baseline} s", f"{current} s", "ratio", title=f"CLI start-up ({cpu_model()})")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="trellis-bench-cli-")))
        worktree = stack.enter_context(baseline_worktree(args.baseline, folder))
        settings, _store = stack.enter_context(throwaway_server(console))
        sides: dict[str, Side] = {}
        for name, checkout in (("baseline", worktree), ("current", REPO)):
            command, extra = trellis_command(checkout, folder / f"shim-{name}")
            sides[name] = (command, cli_env(settings, **extra))
        facts = folder / "facts.txt"
        facts.write_text("Tirana is the capital of Albania. Baku is the capital of Azerbaijan.", encoding="utf-8")
        questions = folder / "questions.jsonl"
        questions.write_text('{"id": "q1", "question": "Where?", "answers": "Tirana"}\n', encoding="utf-8")
        with console.status("ingesting one document (the commands need a graph and its indexes) ..."):
            _seconds(sides["current"], ["ingest", str(facts)], code=0, says="")
        for name, (template, code, says) in COMMANDS.items():
            arguments = [argument.format(questions=questions) for argument in template]
            times: dict[str, list[float]] = {"baseline": [], "current": []}
            for number in range(args.repeat + 1):  # the first run of each side compiles its bytecode: not timed
                for side in ("baseline", "current") if number % 2 else ("current", "baseline"):
                    seconds = _seconds(sides[side], arguments, code=code, says=says)
                    if number:
                        times[side].append(seconds)
            old, new = statistics.median(times["baseline"]), statistics.median(times["current"])
            table.add_row(name, f"{old:.2f}", f"{new:.2f}", f"{old / new:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
