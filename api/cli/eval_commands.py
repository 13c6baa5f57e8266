"""``trellis eval retrieval``: recall@k, MRR and answer EM/F1 of Trellis and its baselines, in one run.

By default the evaluation corpus (``data/eval/corpus.jsonl``) is ingested into a throwaway Neo4j on free ports
(a temporary folder, removed afterwards), so the user's graph is never touched; ``--current-graph`` evaluates the
graph the settings point at instead (it must hold the corpus the sets refer to).

``--set prose`` runs the hand-written questions over real Wikipedia prose (``data/eval/prose``, corpus
``data/wikipedia``) on one split (``--split test`` by default; tune on ``dev``), with BM25 and neo4j-graphrag's
``HybridRetriever`` beside dense-only, plain hybrid search and Trellis, and reports each question type.
``--set FILE`` runs a JSONL question file of one's own the same way (``--corpus`` names its documents, or
``--current-graph``); the file is checked whole before anything starts.

Each run is appended to the evaluation history (``<data_dir>/eval/history.parquet``); ``trellis eval history``
prints it and draws it over time.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from trellis.kg.settings import Settings, get_settings

if TYPE_CHECKING:
    from trellis.kg.ingest.report import IngestReport
    from trellis.retrieval import Retriever
    from trellis.retrieval.evaluation import EvaluationReport
    from trellis.retrieval.evaluation.history import Scalar
    from trellis.retrieval.evaluation.question_sets import QuestionSet

__all__ = ["app"]

app = typer.Typer(help="Evaluate retrieval and answers against baselines.", no_args_is_help=True)
console = Console()

SplitChoice = Literal["dev", "test", "all"]
GeneratorChoice = Literal["extractive", "local", "openai", "langchain", "none"]

SetOption = Annotated[
    str,
    typer.Option(
        "--set",
        metavar="SET|FILE",
        help="A shipped set (multihop, singlehop, all, prose) or a JSONL question file of your own.",
    ),
]
LimitOption = Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions of each set.")]
GeneratorOption = Annotated[
    GeneratorChoice | None,
    typer.Option("--generator", help="Generator for EM/F1 (default: the settings'); 'none' skips answers."),
]
JsonOption = Annotated[Path | None, typer.Option("--json", help="Also save the report as JSON here.")]
CurrentGraphOption = Annotated[
    bool, typer.Option("--current-graph", help="Evaluate the current graph instead of a throwaway one.")
]
DataOption = Annotated[Path | None, typer.Option("--data", help="Folder of corpus.jsonl and the sets.")]
CorpusOption = Annotated[
    Path | None,
    typer.Option("--corpus", help="The corpus (file or folder) to ingest into the throwaway graph."),
]
DepthOption = Annotated[int, typer.Option("--depth", min=10, max=100, help="Passages each system retrieves.")]
SplitOption = Annotated[
    SplitChoice, typer.Option("--split", help="The split of a set that has them: tune on dev, report test.")
]
HistoryOption = Annotated[
    bool, typer.Option("--history/--no-history", help="Append the run to the evaluation history.")
]


@app.command("retrieval")
def retrieval_command(
    which: SetOption = "all",
    limit: LimitOption = None,
    generator: GeneratorOption = None,
    json_file: JsonOption = None,
    current_graph: CurrentGraphOption = False,
    data: DataOption = None,
    corpus_option: CorpusOption = None,
    depth: DepthOption = 20,
    split: SplitOption = "test",
    history: HistoryOption = True,
) -> None:
    """Run Trellis beside its baselines (dense-only, full-text or BM25, hybrid without the graph, and for the prose
    set and question files neo4j-graphrag's HybridRetriever) on a question set, and append the run to the history
    (`trellis eval history`)."""
    from trellis.retrieval.evaluation.question_sets import choose_set

    chosen = choose_set(which, data=data, splits=_splits(split), limit=limit)  # read and checked before any work
    corpus = _corpus_of(which, chosen, corpus_option=corpus_option, current_graph=current_graph)
    from trellis.retrieval.evaluation.report import report_table, save_report  # the models' libraries, once needed

    settings = _settings_for(generator)
    if not current_graph:
        console.print(f"ingesting {corpus} into a throwaway Neo4j (this takes a few minutes)")
    report, ingested = _evaluate(
        settings, chosen, corpus=corpus, current_graph=current_graph, depth=depth, answers=generator != "none"
    )
    if ingested is not None:
        report.corpus = {"documents": ingested.documents, "chunks": ingested.chunks, "source": str(corpus)}
    if chosen.split:
        report.corpus["split"] = split
    console.print(report_table(report))
    if json_file is not None:
        console.print(f"report saved to {save_report(report, json_file)}")
    if history:
        run: dict[str, Scalar] = {
            "split": split if chosen.split else None,
            "limit": limit,
            "corpus": "current graph" if current_graph else str(corpus),
        }
        _append_history(report, chosen, settings=settings, run=run)


def _corpus_of(which: str, chosen: QuestionSet, *, corpus_option: Path | None, current_graph: bool) -> Path | None:
    """The corpus to ingest: the one named, else the set's; a question file needs one or the current graph."""
    corpus = corpus_option or chosen.corpus
    if corpus is None and not current_graph:
        raise typer.BadParameter(
            f"{which} is a question file: name the documents it asks about (--corpus FILE) or use --current-graph",
            param_hint="--corpus",
        )
    return corpus


def _settings_for(generator: GeneratorChoice | None) -> Settings:
    """The settings, with the generator ``--generator`` names (if any, and not 'none')."""
    settings = get_settings()
    if generator not in (None, "none"):
        settings = settings.model_copy(update={"generator": generator})
    return settings


def _evaluate(
    settings: Settings,
    chosen: QuestionSet,
    *,
    corpus: Path | None,
    current_graph: bool,
    depth: int,
    answers: bool,
) -> tuple[EvaluationReport, IngestReport | None]:
    """Build the retriever (ingesting the corpus unless ``current_graph``) and run every system on the set."""
    from transformers.utils import logging as transformers_logging

    from trellis.api.cli.progress import StageBars
    from trellis.retrieval.evaluation.harness import evaluation_retriever

    transformers_logging.disable_progress_bar()
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
        return _run_systems(retriever, chosen, depth=depth, answers=answers), ingested


def _run_systems(retriever: Retriever, chosen: QuestionSet, *, depth: int, answers: bool) -> EvaluationReport:
    """Run the set's systems over ``retriever`` on its questions, with a progress bar."""
    from trellis.retrieval.evaluation import build_systems, evaluate

    systems = build_systems(retriever, depth=depth, names=chosen.systems)
    total = chosen.questions * len(systems)
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("evaluating", total=total)
        return evaluate(
            retriever,
            systems,
            chosen.sets,
            generator=retriever.generator if answers else None,
            depth=depth,
            advance=lambda _system: progress.advance(task),
        )


def _append_history(
    report: EvaluationReport, chosen: QuestionSet, *, settings: Settings, run: dict[str, Scalar]
) -> None:
    """Append the run to the evaluation history and say where."""
    from trellis.retrieval.evaluation.history import append_run, history_path, record_run, set_digest
    from trellis.retrieval.generators.local_lm import choose_adapter

    row = record_run(
        report,
        question_set=chosen.name,
        set_sha256=set_digest(chosen.files),
        questions=chosen.questions,
        settings=settings,
        adapter=choose_adapter(settings)[1] if report.generator and settings.generator == "local" else None,
        run=run,
    )
    console.print(f"run appended to the evaluation history {append_run(history_path(settings), row)}")


def _splits(split: SplitChoice) -> tuple[Literal["dev", "test"], ...]:
    return ("dev", "test") if split == "all" else (split,)


@app.command("history")
def history_command(
    png: Annotated[Path | None, typer.Option("--png", help="Also draw the metrics over time to this PNG.")] = None,
    which: Annotated[str | None, typer.Option("--set", help="Only the runs of this question set.")] = None,
    system: Annotated[str, typer.Option("--system", help="The system whose metrics are shown.")] = "trellis",
    last: Annotated[int | None, typer.Option("--last", min=1, help="Only the last N runs.")] = None,
) -> None:
    """Print the evaluation history (one row per run and question type) and optionally draw it over time."""
    from trellis.retrieval.evaluation.history import history_path, read_history
    from trellis.retrieval.evaluation.trends import draw_history, history_table

    path = history_path(get_settings())
    runs = [run for run in read_history(path) if which is None or run.question_set == which]
    runs = runs[-last:] if last is not None else runs
    if not runs:
        console.print(f"no evaluation runs{'' if which is None else f' of {which}'} in {path} yet")
        return
    console.print(history_table(runs, system=system))
    if png is not None:
        console.print(f"history drawn to {draw_history(runs, png, system=system)}")


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

    from trellis.api.cli.progress import StageBars
    from trellis.retrieval.evaluation.harness import evaluation_retriever
    from trellis.retrieval.evaluation.prose import PROSE_CORPUS, as_eval_questions, load_articles, load_prose
    from trellis.retrieval.evaluation.span_fit import fit_spans
    from trellis.retrieval.generators.span_ranker import DEFAULT_WEIGHTS, writable

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
