"""``trellis ask``: answer a question from the graph, with citations, timings and optionally a picture; any
generator (extractive, local LM, OpenAI-compatible endpoint, LangChain chat model), streaming if asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from trellis.kg.settings import Settings, get_settings

if TYPE_CHECKING:
    from trellis.retrieval import Answer, AnswerOptions, Retriever

__all__ = ["ask"]

console = Console()
GeneratorName = Literal["extractive", "local", "openai", "langchain"]


def _streamed(retriever: Retriever, question: str, options: AnswerOptions) -> tuple[Answer, str]:
    """Print the answer's text as it is generated; return the final answer and the text streamed."""
    from trellis.api.services.ask import stream_answer
    from trellis.retrieval import Answer

    console.print(f"[bold]Q:[/bold] {question}\n[bold]A:[/bold] ", end="")
    pieces: list[str] = []
    for item in stream_answer(retriever, question, options):
        if isinstance(item, Answer):
            console.print()
            return item, "".join(pieces)
        pieces.append(item)
        console.print(item, end="", markup=False, highlight=False, soft_wrap=True)
    raise RuntimeError("the answer stream ended without an answer")  # stream_answer always ends with one


QuestionArgument = Annotated[str, typer.Argument(help="The question, in quotes.")]
KOption = Annotated[
    int | None, typer.Option("--k", min=1, max=50, help="How many passages to read (default: 8).", show_default=False)
]
HopsOption = Annotated[int, typer.Option("--hops", min=0, max=3, help="How far to expand the graph.")]
PngOption = Annotated[Path | None, typer.Option("--png", help="Draw the answer's subgraph to this PNG file.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the whole answer as JSON.")]
GeneratorOption = Annotated[
    GeneratorName | None,
    typer.Option("--generator", help="Who answers (default: the TRELLIS_GENERATOR setting, else extractive)."),
]
StreamOption = Annotated[bool, typer.Option("--stream", help="Print the answer's text as it is generated.")]


def ask(
    question: QuestionArgument,
    k: KOption = None,
    hops: HopsOption = 2,
    png: PngOption = None,
    as_json: JsonOption = False,
    generator: GeneratorOption = None,
    stream: StreamOption = False,
) -> None:
    """Answer a question from the knowledge graph, citing the chunks, documents and relations it used."""
    from trellis.retrieval import AnswerOptions
    from trellis.retrieval.questions import clean_question

    options = AnswerOptions(hops=hops) if k is None else AnswerOptions(k=k, hops=hops)
    question = clean_question(question, max_chars=options.max_question_chars)  # refused before any model loads

    from transformers.utils import logging as transformers_logging

    from trellis.retrieval.drawing import draw_answer

    transformers_logging.disable_progress_bar()
    settings = _ask_settings(generator)
    answer, answer_id, streamed = _answer_and_log(settings, question, options, stream=stream and not as_json)
    if as_json:
        console.print_json(json.dumps({"id": answer_id, **answer.model_dump(mode="json")}))
    else:
        _print_answer(answer, answer_id=answer_id, streamed=streamed)
    if png is not None:
        console.print(f"subgraph drawn to {draw_answer(answer, png)}")


def _ask_settings(generator: GeneratorName | None) -> Settings:
    """The settings for one question, with the generator ``--generator`` names (if any)."""
    # One question: two neighbourhood queries cost less than reading the whole graph into a snapshot.
    settings = get_settings().model_copy(update={"graph_snapshot": False})
    if generator is not None:
        settings = settings.model_copy(update={"generator": generator})
    return settings


def _answer_and_log(
    settings: Settings, question: str, options: AnswerOptions, *, stream: bool
) -> tuple[Answer, str | None, str | None]:
    """Answer ``question`` (streaming its text if asked) and log it; the answer, its id and the text streamed."""
    from trellis.api.services.answers import AnswerLog
    from trellis.api.services.ask import answer_question
    from trellis.retrieval import Retriever

    with console.status("loading models and indexes..."):
        retriever = Retriever.from_settings(settings)
    with retriever:
        streamed = None
        if stream:
            answer, streamed = _streamed(retriever, question, options)
        else:
            with console.status("answering..."):
                answer = answer_question(retriever, question, options)
        log = AnswerLog(retriever.store, settings, background=False)  # one answer: written before the exit
        answer_id = log.record(answer, interface="cli", key_name="local", options=options)
    return answer, answer_id, streamed


def _print_answer(answer: Answer, *, answer_id: str | None, streamed: str | None) -> None:
    """Print the answer (unless streamed as it stands), its citations, relations and timings, and its id."""
    style = "green" if answer.answerable else "yellow"
    if streamed is None:
        console.print(f"[bold]Q:[/bold] {answer.question}\n[bold {style}]A:[/bold {style}] {answer.text}")
    elif streamed.strip() != answer.text:  # citation marks added, or an abstention said plainly
        console.print(f"[bold {style}]answer:[/bold {style}] {answer.text}")
    _print_citations(answer)
    for fact in answer.relations:
        console.print(f"  ({fact.subject}) -[{fact.predicate}]-> ({fact.object})  confidence {fact.confidence:.2f}")
    timings = ", ".join(f"{stage} {seconds * 1000:.0f} ms" for stage, seconds in answer.timings.items())
    console.print(f"[dim]model {answer.model}; {timings}[/dim]")
    if answer_id is not None:
        console.print(f"[dim]answer {answer_id} (rate it: rateAnswer, POST /v1/feedback or MCP rate_answer)[/dim]")


def _print_citations(answer: Answer) -> None:
    """The table of the chunks the answer cites, when it cites any."""
    citations = Table("[n]", "document", "section", "chunk", title="citations", title_justify="left")
    for citation in answer.citations:
        citations.add_row(
            str(citation.number),
            citation.title or citation.document_id or "",
            citation.section or "",
            citation.chunk_id,
        )
    if answer.citations:
        console.print(citations)
