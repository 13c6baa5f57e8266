"""The root ``trellis`` command: sub-commands, and one line per expected error instead of a traceback."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

import trellis.api.cli.ask_commands as ask_commands
import trellis.api.cli.eval_commands as eval_commands
import trellis.api.cli.exchange_commands as exchange_commands
import trellis.api.cli.feedback_commands as feedback_commands
import trellis.api.cli.ingest_commands as ingest_commands
import trellis.api.cli.mcp_commands as mcp_commands
import trellis.api.cli.neo4j_commands as neo4j_commands
import trellis.api.cli.serve_commands as serve_commands
import trellis.api.cli.train_commands as train_commands
from trellis.kg.errors import TrellisError
from trellis.kg.graph import GraphStore, apply_schema
from trellis.kg.settings import get_settings
from trellis.kg.version import VERSION

__all__ = ["app", "main"]

app = typer.Typer(
    name="trellis",
    help="Trellis: documents to a Neo4j knowledge graph and FAISS vectors, answered with citations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(neo4j_commands.app, name="neo4j")
app.add_typer(train_commands.app, name="train")
app.add_typer(eval_commands.app, name="eval")
app.add_typer(feedback_commands.app, name="feedback")
eval_commands.app.command("feedback")(feedback_commands.evaluate_feedback)  # `trellis eval feedback`
ingest_commands.register(app)
exchange_commands.register(app)
app.command()(ask_commands.ask)
app.command()(mcp_commands.mcp)
serve_commands.register(app)
console = Console()
errors = Console(stderr=True)


def _print_version(wanted: bool) -> None:
    if wanted:
        console.print(f"trellis {VERSION}")
        raise typer.Exit()


@app.callback()
def _configure(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what Trellis does."),
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def init() -> None:
    """Create the constraints, full-text and vector indexes (idempotent) and list the indexes."""
    with GraphStore(get_settings()) as store:
        store.verify()
        indexes = apply_schema(store)
    for index in indexes:
        console.print(
            f"{index['name']:<20} {index['type']:<10} {index['state']:<8} "
            f"{','.join(index['labelsOrTypes'] or [])}({','.join(index['properties'] or [])})"
        )
    console.print(f"[green]schema ready[/green]: {len(indexes)} indexes")


def main() -> None:
    """Entry point of the ``trellis`` script: expected failures print one line and exit non-zero."""
    try:
        app(standalone_mode=False)
    except TrellisError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        errors.print("[red]interrupted[/red]")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:
        # Usage errors (unknown command, bad option) come from the click that typer uses; shown the click way.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            raise SystemExit(code) from None
        if type(exc).__name__ == "Abort":
            raise SystemExit(1) from None
        raise
