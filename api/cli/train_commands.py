"""``trellis train``: graph-grounded examples, LoRA fine-tuning, evaluation against the base model, the registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from trellis.api.cli.progress import StageBars
from trellis.kg.settings import Settings, get_settings

__all__ = ["app", "dataset_folder"]

app = typer.Typer(help="Fine-tune the local model on examples from the graph.", no_args_is_help=True)
console = Console()


DataOption = Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: DATA_DIR/training/dataset).")]


def dataset_folder(settings: Settings, given: Path | None) -> Path:
    """The dataset folder given, else where `trellis train dataset` writes by default."""
    return given or settings.data_dir / "training" / "dataset"


def _bars() -> Progress:
    return Progress(
        TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), TextColumn("{task.fields[note]}"), console=console,
    )  # fmt: skip


def _counts_table(title: str, rows: dict[str, dict[str, int]]) -> Table:
    table = Table(title, "train", "dev", "test", title_justify="left")
    for name, counts in rows.items():
        table.add_row(name, *(str(counts.get(split, 0)) for split in ("train", "dev", "test")))
    return table


@app.command()
def dataset(
    out: Annotated[
        Path | None, typer.Option("--out", help="Dataset folder (default: DATA_DIR/training/dataset).")
    ] = None,
    phrasings: Annotated[int, typer.Option(help="Phrasings per fact.", min=1, max=5)] = 2,
    max_examples: Annotated[int, typer.Option(help="At most this many questions.", min=1)] = 1_500,
    min_train: Annotated[int, typer.Option(help="Refuse a dataset with fewer training examples.", min=1)] = 20,
    seed: Annotated[int, typer.Option(help="Seed of the question plan and the split.")] = 0,
    feedback: Annotated[
        bool, typer.Option("--feedback", help="Add corrected answers of the answer log; keep down-voted ones out.")
    ] = False,
) -> None:
    """Generate supervised examples from the graph, with query-time contexts, split by entity."""
    from trellis.retrieval import Retriever
    from trellis.training.dataset import DatasetBuilder, DatasetOptions
    from trellis.training.paraphrase import paraphraser_from

    settings = get_settings()
    folder = dataset_folder(settings, out)
    options = DatasetOptions(
        phrasings=phrasings, max_examples=max_examples, min_train=min_train, seed=seed, feedback=feedback
    )
    with console.status("loading models and indexes..."):
        retriever = Retriever.from_settings(settings)
    with retriever, StageBars(console) as bars:
        builder = DatasetBuilder(retriever, options=options, paraphrase=paraphraser_from(settings), progress=bars)
        manifest, stats = builder.write(folder)
    console.print(_counts_table("kind", stats.kinds))
    console.print(_counts_table("predicate", stats.predicates))
    dropped = ", ".join(f"{reason} {count}" for reason, count in stats.dropped.items()) or "none"
    console.print(f"entities per split: {stats.entities}; dropped: {dropped}")
    console.print(
        f"[green]{stats.total} examples[/green] {stats.splits} written to {folder} (data {manifest.data_hash[:12]})"
    )


@app.command()
def finetune(
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset folder (default: DATA_DIR/training/dataset).")
    ] = None,
    base: Annotated[
        Path | None, typer.Option("--base", help="Base model folder (default: the settings' model).")
    ] = None,
    steps: Annotated[int, typer.Option(help="Optimiser steps.", min=1)] = 200,
    batch_size: Annotated[int, typer.Option(help="Examples per step.", min=1)] = 2,
    learning_rate: Annotated[float, typer.Option(help="Peak learning rate.")] = 1e-3,
    lora_r: Annotated[int, typer.Option(help="LoRA rank.", min=1)] = 16,
    lora_layers: Annotated[
        int, typer.Option(help="Adapt only the top N decoder layers (0: all); fewer train faster.", min=0)
    ] = 8,
    max_length: Annotated[int, typer.Option(help="Tokens per example (prompt and answer).", min=32)] = 512,
    unanswerable_share: Annotated[
        float, typer.Option(help="At most this share of the training examples are unanswerable.", min=0.01, max=1.0)
    ] = 0.3,
    resume: Annotated[str | None, typer.Option("--resume", help="Continue this unfinished run.")] = None,
) -> None:
    """LoRA fine-tune the base model on the dataset's train split; registers the run."""
    from trellis.training.finetune import FinetuneConfig
    from trellis.training.finetune import finetune as run_finetune

    settings = get_settings()
    config = FinetuneConfig(
        base_model=base, max_steps=steps, batch_size=batch_size, learning_rate=learning_rate, lora_r=lora_r,
        lora_layers=lora_layers or None, max_length=max_length, unanswerable_share=unanswerable_share,
    )  # fmt: skip
    with _bars() as bars:
        task = bars.add_task("fine-tuning (LoRA)", total=steps, note="")

        def on_step(step: int, total: int, logged: dict[str, float]) -> None:
            note = f"loss {logged['loss']:.3f}" if "loss" in logged else ""
            bars.update(task, completed=step, total=total, note=note)

        metadata = run_finetune(settings, dataset_folder(settings, data), config=config, run=resume, on_step=on_step)
    first = next((row["loss"] for row in metadata.losses if "loss" in row), float("nan"))
    last = next((row["loss"] for row in reversed(metadata.losses) if "loss" in row), float("nan"))
    console.print(
        f"[green]run {metadata.run}[/green]: {metadata.examples.get('train', 0)} examples, loss {first:.3f} -> "
        f"{last:.3f} in {metadata.seconds:.0f} s on {metadata.device}; adapter {metadata.adapter}; "
        f"curve {metadata.adapter.parent / 'loss.png'}"
    )
    console.print(f"next: trellis train evaluate {metadata.run}")


def _metrics_table(report: Any) -> Table:
    table = Table("model", "EM", "F1", "abstention acc.", "false abstentions", "cited relations in graph",
                  title=f"{report.split} split, {report.examples} examples", title_justify="left")  # fmt: skip
    for m in report.models:

        def pct(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.1f}%"

        table.add_row(
            m.model, pct(m.exact_match), pct(m.f1), pct(m.abstention_accuracy), pct(m.false_abstentions),
            f"{pct(m.valid_cited_relations)} of {m.cited_relations}",
        )  # fmt: skip
    return table


@app.command()
def evaluate(
    run: Annotated[str | None, typer.Argument(help="The run to compare with its base (none: the base alone).")] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset folder (default: DATA_DIR/training/dataset).")
    ] = None,
    split: Annotated[str, typer.Option(help="Split to score: test or dev.")] = "test",
    limit: Annotated[int | None, typer.Option(help="Score only the first N examples.", min=1)] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report here.")] = None,
    free_citations: Annotated[
        bool, typer.Option("--free-citations", help="Let the models cite any text (default: the context's facts only).")
    ] = False,
) -> None:
    """Base against fine-tuned on held-out examples with identical contexts: EM, F1, abstentions, cited relations."""
    from trellis.kg.graph import GraphStore
    from trellis.training.evaluate import EvalConfig
    from trellis.training.evaluate import evaluate as run_evaluate
    from trellis.training.registry import run_folder, update_metrics

    if split not in ("test", "dev"):
        raise typer.BadParameter("split must be test or dev")
    settings = get_settings()
    folder = dataset_folder(settings, data)
    config = EvalConfig(
        split=split,  # type: ignore[arg-type]
        limit=limit,
        constrain_citations=not free_citations,
        abstain_threshold=settings.llm_abstain_threshold,
    )
    with GraphStore(settings) as store, _bars() as bars:
        task = bars.add_task("answering", total=None, note="")
        report = run_evaluate(
            settings,
            folder,
            store=store,
            run=run,
            config=config,
            tick=lambda: bars.advance(task),
            total=lambda count: bars.update(task, total=count),
        )
    console.print(_metrics_table(report))
    text = report.model_dump_json(indent=2)
    target = json_out or (run_folder(settings, run) / "evaluation.json" if run else folder / "evaluation-base.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if run:
        update_metrics(settings, run, {"evaluation": json.loads(text)["models"], "split": split})
    console.print(f"report written to {target}")


@app.command()
def promote(run: Annotated[str, typer.Argument(help="The run whose adapter the local generator should use.")]) -> None:
    """Make a run's adapter the model of the local generator (checked to load first)."""
    from trellis.training.registry import promote as run_promote

    with console.status("checking the adapter loads..."):
        pointer = run_promote(get_settings(), run)
    console.print(
        f"[green]promoted[/green] run {pointer.run} ({pointer.adapter}): "
        "`trellis ask` with TRELLIS_GENERATOR=local now answers with it"
    )


@app.command(name="list")
def list_runs() -> None:
    """The registered runs, with their data, loss and evaluation, and which one is promoted."""
    from trellis.retrieval.generators.promoted import read_promoted
    from trellis.training.registry import list_runs as registered

    settings = get_settings()
    promoted = read_promoted(settings)
    table = Table(
        "run", "base", "data", "train ex.", "final loss", "EM base -> tuned", "date", "", title_justify="left"
    )
    for meta in registered(settings):
        last = next((f"{row['loss']:.3f}" for row in reversed(meta.losses) if "loss" in row), "")
        evaluation: list[dict[str, Any]] = meta.metrics.get("evaluation", [])  # type: ignore[assignment]
        scores = [m.get("exact_match") for m in evaluation]
        em = " -> ".join(f"{s:.1f}" for s in scores if s is not None)
        mark = "[green]promoted[/green]" if promoted is not None and promoted.run == meta.run else ""
        table.add_row(meta.run, meta.base_model, meta.data_hash[:10], str(meta.examples.get("train", "")), last, em,
                      f"{meta.created_at:%Y-%m-%d %H:%M}", mark)  # fmt: skip
    console.print(table if table.row_count else "no runs yet: `trellis train finetune`")
