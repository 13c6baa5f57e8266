"""``trellis eval retrieval``: recall@k, MRR and answer EM/F1 of Trellis and its baselines, in one run.

By default the evaluation corpus (``data/eval/corpus.jsonl``) is ingested into a throwaway Neo4j on free ports
(a temporary folder, removed afterwards), so the user's graph is never touched; ``--current-graph`` evaluates the
graph the settings point at instead (it must hold the corpus the sets refer to).

``--set prose`` runs the hand-written questions over real Wikipedia prose (``data/eval/prose``, corpus
``data/wikipedia``) on one split (``--split test`` by default; tune on ``dev``), with BM25 and neo4j-graphrag's
``HybridRetriever`` beside dense-only, plain hybrid search and Trellis, and reports each question type.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.settings import get_settings

__all__ = ["app"]

app = typer.Typer(help="Evaluate retrieval and answers against baselines.", no_args_is_help=True)
console = Console()

SetChoice = Literal["multihop", "singlehop", "all", "prose"]
SplitChoice = Literal["dev", "test", "all"]
GeneratorChoice = Literal["extractive", "local", "openai", "langchain", "none"]


@app.command("retrieval")
def retrieval_command(
    which: Annotated[SetChoice, typer.Option("--set", help="Which question set to run.")] = "all",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions of each set.")] = None,
    generator: Annotated[
        GeneratorChoice | None,
        typer.Option("--generator", help="Generator for EM/F1 (default: the settings'); 'none' skips answers."),
    ] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also save the report as JSON here.")] = None,
    current_graph: Annotated[
        bool, typer.Option("--current-graph", help="Evaluate the current graph instead of a throwaway one.")
    ] = False,
    data: Annotated[Path | None, typer.Option("--data", help="Folder of corpus.jsonl and the sets.")] = None,
    depth: Annotated[int, typer.Option("--depth", min=10, max=100, help="Passages each system retrieves.")] = 20,
    split: Annotated[
        SplitChoice, typer.Option("--split", help="The prose set's split: tune on dev, report test.")
    ] = "test",
) -> None:
    """Run Trellis beside its baselines (dense-only, full-text or BM25, hybrid without the graph, and for the prose
    set neo4j-graphrag's HybridRetriever) on the shipped evaluation sets."""
    from transformers.utils import logging as transformers_logging

    from api.cli.progress import StageBars
    from retrieval.evaluation import DEFAULT_EVAL_DIR, build_systems, evaluate, load_sets
    from retrieval.evaluation.datasets import SET_NAMES
    from retrieval.evaluation.harness import evaluation_retriever
    from retrieval.evaluation.prose import PROSE_CORPUS, as_eval_questions, load_articles, load_prose
    from retrieval.evaluation.report import report_table, save_report
    from retrieval.evaluation.systems import PROSE_SYSTEMS, SYSTEM_NAMES

    transformers_logging.disable_progress_bar()
    folder = data or DEFAULT_EVAL_DIR
    if which == "prose":
        corpus = PROSE_CORPUS if data is None else data / "corpus.jsonl"
        questions = load_prose(folder / "prose" / "questions.jsonl", splits=_splits(split), limit=limit)
        sets = as_eval_questions(questions, load_articles(corpus))
        names: tuple[str, ...] = PROSE_SYSTEMS
    else:
        corpus = folder / "corpus.jsonl"
        sets = load_sets(folder, SET_NAMES if which == "all" else (which,), limit=limit)
        names = SYSTEM_NAMES
    settings = get_settings()
    if generator not in (None, "none"):
        settings = settings.model_copy(update={"generator": generator})
    if not current_graph:
        console.print(f"ingesting {corpus} into a throwaway Neo4j (this takes a few minutes)")
    with ExitStack() as stack:
        with StageBars(console) as bars:
            retriever, ingested = stack.enter_context(
                evaluation_retriever(settings, corpus=corpus, current_graph=current_graph, progress=bars)
            )
        if ingested is not None:
            console.print(
                f"ingested {ingested.documents} documents, {ingested.chunks} chunks, {ingested.relations} relations "
                f"in {ingested.seconds:.0f} s"
            )
        systems = build_systems(retriever, depth=depth, names=names)
        total = sum(len(questions) for questions in sets.values()) * len(systems)
        columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("evaluating", total=total)
            report = evaluate(
                retriever,
                systems,
                sets,
                generator=None if generator == "none" else retriever.generator,
                depth=depth,
                advance=lambda _system: progress.advance(task),
            )
    if ingested is not None:
        report.corpus = {"documents": ingested.documents, "chunks": ingested.chunks, "source": str(corpus)}
    if which == "prose":
        report.corpus["split"] = split
    console.print(report_table(report))
    if json_file is not None:
        console.print(f"report saved to {save_report(report, json_file)}")


def _splits(split: SplitChoice) -> tuple[Literal["dev", "test"], ...]:
    return ("dev", "test") if split == "all" else (split,)


@app.command("fit-spans")
def fit_spans_command(
    current_graph: Annotated[
        bool, typer.Option("--current-graph", help="Use the current graph instead of a throwaway one.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to save the weights (default: the shipped file).")
    ] = None,
    l2: Annotated[float, typer.Option("--l2", min=0.0, help="L2 regularisation of the weights.")] = 0.03,
) -> None:
    """Fit the default generator's span ranker on the prose set's dev split (never the test split), after
    cross-validating it there, and save its weights."""
    from transformers.utils import logging as transformers_logging

    from api.cli.progress import StageBars
    from retrieval.evaluation.harness import evaluation_retriever
    from retrieval.evaluation.prose import PROSE_CORPUS, as_eval_questions, load_articles, load_prose
    from retrieval.evaluation.span_fit import fit_spans
    from retrieval.generators.span_ranker import DEFAULT_WEIGHTS, writable

    transformers_logging.disable_progress_bar()
    writable(out or DEFAULT_WEIGHTS)  # before minutes of fitting, not after
    sets = as_eval_questions(load_prose(splits=("dev",)), load_articles(PROSE_CORPUS))
    with ExitStack() as stack:
        with StageBars(console) as bars:
            retriever, _ = stack.enter_context(
                evaluation_retriever(get_settings(), corpus=PROSE_CORPUS, current_graph=current_graph, progress=bars)
            )
        total = sum(len(questions) for questions in sets.values())
        columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("reading candidates", total=total)
            ranker = fit_spans(retriever, sets, l2=l2, advance=lambda: progress.advance(task))
    checked = ranker.about.get("cross_validated_first_right", {})
    console.print("first candidate right, cross-validated on dev (ranker / hand-set support / reachable):")
    for kind, shares in checked.items() if isinstance(checked, dict) else ():
        console.print(f"  {kind:<11} {shares['ranker']:5.1f}  {shares['support']:5.1f}  {shares['reachable']:5.1f}")
    console.print(f"weights saved to {ranker.save(out or DEFAULT_WEIGHTS)}")
