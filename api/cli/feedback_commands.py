"""``trellis feedback``: what users said about answers, listed or exported as JSONL for analysis and evaluation.

Ratings come in through GraphQL's ``rateAnswer``, the chat route's ``POST /v1/feedback`` and the MCP
``rate_answer`` tool; ``trellis train dataset --feedback`` turns the corrections into training examples and
``trellis eval feedback`` asks the rated questions again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from trellis.kg.settings import get_settings

if TYPE_CHECKING:
    from trellis.api.services.feedback import FeedbackEntry, RatingValue

__all__ = ["app", "evaluate_feedback"]

app = typer.Typer(help="List and export the ratings of logged answers.", no_args_is_help=True)
console = Console()
RatingChoice = Literal["up", "down"]
RatingOption = Annotated[RatingChoice | None, typer.Option("--rating", help="Only up or only down ratings.")]
CorrectedOption = Annotated[
    bool | None, typer.Option("--corrected/--uncorrected", help="Only ratings with (or without) a correction.")
]
PAGE = 500


def _entries(rating: RatingChoice | None, corrected: bool | None, limit: int) -> list[FeedbackEntry]:
    from trellis.api.services.feedback import feedback_page
    from trellis.kg.graph import GraphStore

    wanted: RatingValue | None = {"up": "UP", "down": "DOWN"}[rating] if rating else None  # type: ignore[assignment]
    found: list[FeedbackEntry] = []
    with GraphStore(get_settings()) as store:
        while len(found) < limit:
            page = feedback_page(
                store,
                rating=wanted,
                corrected=corrected,
                offset=len(found),
                limit=min(PAGE, limit - len(found)),
            )
            found += page
            if len(page) < PAGE:
                break
    return found


@app.command("list")
def list_feedback(
    rating: RatingOption = None,
    corrected: CorrectedOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")] = False,
) -> None:
    """The latest ratings with the question, the answer given and the correction."""
    entries = _entries(rating, corrected, limit)
    if as_json:
        for entry in entries:
            console.print_json(entry.model_dump_json())
        return
    table = Table("when", "rating", "question", "answer", "correction", "model", "via", title_justify="left")
    for entry in entries:
        feedback, answer = entry.feedback, entry.answer
        table.add_row(
            f"{feedback.at:%Y-%m-%d %H:%M}",
            feedback.rating,
            (answer.question or f"(hash {answer.question_sha256[:10]})")[:60],
            answer.text[:50],
            (feedback.correction or "")[:50],
            answer.model,
            feedback.interface,
        )
    console.print(table if table.row_count else "no ratings yet")


@app.command("export")
def export_feedback(
    out: Annotated[Path, typer.Option("--out", help="The JSONL file to write.")],
    rating: RatingOption = None,
    corrected: CorrectedOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 100_000,
) -> None:
    """Every rating (newest first) as one JSON object per line: the rating and the answer it is on."""
    entries = _entries(rating, corrected, limit)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(entry.model_dump(mode="json"), ensure_ascii=False) + "\n")
    console.print(f"[green]{len(entries)} ratings[/green] written to {out}")


GeneratorChoice = Literal["extractive", "local", "openai", "langchain"]


def evaluate_feedback(
    generator: Annotated[
        GeneratorChoice | None,
        typer.Option("--generator", help="Who answers (default: the TRELLIS_GENERATOR setting)."),
    ] = None,
    adapter: Annotated[
        Path | None, typer.Option("--adapter", help="A LoRA adapter folder for the local generator (a run's adapter).")
    ] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also save the report as JSON here.")] = None,
) -> None:
    """Ask every rated answer's question again and report how many corrected answers the model now gets right,
    how many up-voted answers it still gives, and how many down-voted ones it no longer gives."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from transformers.utils import logging as transformers_logging

    from trellis.retrieval import Retriever
    from trellis.training.feedback import evaluate_rated, rated_answers

    transformers_logging.disable_progress_bar()
    settings = get_settings()
    if generator is not None:
        settings = settings.model_copy(update={"generator": generator})
    if adapter is not None:
        settings = settings.model_copy(update={"llm_adapter": adapter})
    with console.status("loading models and indexes..."):
        retriever = Retriever.from_settings(settings)
    with retriever:
        rated = rated_answers(retriever.store)
        if not rated:
            console.print("no rated answers yet: rate answers with rateAnswer, POST /v1/feedback or rate_answer")
            return
        columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("asking", total=len(rated))
            report = evaluate_rated(retriever, rated, tick=lambda: progress.advance(task))
    table = Table("rated answers", "asked again", "now", title=f"model {report.model}", title_justify="left")
    table.add_row("corrected", str(report.corrected), f"{report.corrected_right} right")
    table.add_row("up-voted (no correction)", str(report.up_voted), f"{report.up_voted_same} same answer")
    table.add_row("down-voted (no correction)", str(report.down_voted), f"{report.down_voted_changed} changed")
    console.print(table)
    if report.skipped:
        console.print(f"{report.skipped} rated answers skipped: the log kept only their question's hash")
    if json_file is not None:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(report.model_dump_json(indent=2), encoding="utf-8")
        console.print(f"report saved to {json_file}")
