"""``trellis ask``: answer a question from the graph, with citations, timings and optionally a picture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.settings import get_settings

__all__ = ["ask"]

console = Console()


def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many passages to retrieve.")] = 6,
    hops: Annotated[int, typer.Option("--hops", min=0, max=3, help="How far to expand the graph.")] = 2,
    png: Annotated[Path | None, typer.Option("--png", help="Draw the answer's subgraph to this PNG file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole answer as JSON.")] = False,
) -> None:
    """Answer a question from the knowledge graph, citing the chunks, documents and relations it used."""
    from transformers.utils import logging as transformers_logging

    from retrieval import AnswerOptions, Retriever
    from retrieval.drawing import draw_answer

    transformers_logging.disable_progress_bar()
    with console.status("loading models and indexes..."), Retriever.from_settings(get_settings()) as retriever:
        answer = retriever.answer(question, AnswerOptions(k=k, hops=hops))
    if as_json:
        console.print_json(answer.model_dump_json())
    else:
        style = "green" if answer.answerable else "yellow"
        console.print(f"[bold]Q:[/bold] {answer.question}\n[bold {style}]A:[/bold {style}] {answer.text}")
        citations = Table("[n]", "chunk", "document", title="citations", title_justify="left")
        for citation in answer.citations:
            citations.add_row(str(citation.number), citation.chunk_id, citation.document_id or "")
        if answer.citations:
            console.print(citations)
        for fact in answer.relations:
            console.print(f"  ({fact.subject}) -[{fact.predicate}]-> ({fact.object})  confidence {fact.confidence:.2f}")
        timings = ", ".join(f"{stage} {seconds * 1000:.0f} ms" for stage, seconds in answer.timings.items())
        console.print(f"[dim]model {answer.model}; {timings}[/dim]")
    if png is not None:
        console.print(f"subgraph drawn to {draw_answer(answer, png)}")
