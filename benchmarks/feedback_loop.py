"""The feedback loop with the real local model: ask, rate, build a dataset with the feedback, fine-tune, ask again.

    python benchmarks/feedback_loop.py [--steps 40] [--full] [--json FILE]

A throwaway Neo4j gets the sample corpus (by default its hand-written files and the opening of the Albania article,
as the tests use; ``--full``: all of ``data/sample``). The packaged SmolLM2-135M-Instruct (the ``local`` generator,
no adapter) answers the twenty questions of ``tests/training/loop_questions.py``; each answer is logged and rated as
a user who knows the answers would: UP when right, DOWN with the right answer as the correction when wrong (and one
right answer down-voted without a correction). ``trellis train dataset --feedback`` then builds the dataset,
``--steps`` LoRA steps fine-tune the model on it, and the rated answers are asked again of the base model and of
the fine-tuned one (``trellis eval feedback``): how many corrected questions each answers right. CPU-bound: on a
busy two-core machine a step takes several seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from _common import cpu_model, throwaway_server
from rich.console import Console

from trellis.api.services.answers import AnswerLog
from trellis.api.services.feedback import checked_rating, rate_answer
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever
from trellis.training.dataset import DatasetBuilder, DatasetOptions
from trellis.training.feedback import _matches, evaluate_rated, rated_answers
from trellis.training.finetune import FinetuneConfig, finetune

_HERE = Path(__file__).resolve().parent
sys.path.append(str(_HERE.parent))  # the question set lives with the test of the same loop
from tests.training.loop_questions import QUESTIONS  # noqa: E402

REPO = _HERE.parent
DISPUTED = "Where was Albert Einstein born?"


def corpus(folder: Path, *, full: bool) -> Path:
    """The sample corpus, or its hand-written files with the opening of the Albania article."""
    sample = REPO / "data" / "sample"
    if full:
        return sample
    (folder / "extra").mkdir(parents=True)
    for path in (sample / "extra").iterdir():
        (folder / "extra" / path.name).write_bytes(path.read_bytes())
    lines = (sample / "wikipedia.jsonl").read_text(encoding="utf-8").splitlines()
    cut = {"Albania": 5_000, "Alain Connes": 2_000}
    kept = [json.loads(line) for line in lines if json.loads(line)["title"] in cut]
    text = "".join(json.dumps({**a, "text": a["text"][: cut[a["title"]]]}) + "\n" for a in kept)
    (folder / "wikipedia.jsonl").write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--full", action="store_true", help="All of data/sample instead of its small part.")
    parser.add_argument("--json", type=Path, default=None)
    arguments = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    console = Console()
    base = Settings(device="cpu", generator="local")
    with throwaway_server(console, base=base) as (settings, store):
        IngestPipeline(settings, store=store).ingest([corpus(settings.data_dir / "corpus", full=arguments.full)])
        with console.status("asking the base model and rating its answers"), Retriever.from_settings(settings) as lm:
            log = AnswerLog(store, settings, background=False)
            for question, gold in QUESTIONS:
                answer = lm.answer(question)
                answer_id = log.record(answer, interface="cli", key_name="benchmark")
                assert answer_id is not None
                right = answer.answerable and _matches(answer.span or answer.text, gold)
                if question == DISPUTED:
                    rating = checked_rating(answer_id, "DOWN", most=4_000)
                else:
                    fix = None if right else gold
                    rating = checked_rating(answer_id, "UP" if right else "DOWN", correction=fix, most=4_000)
                rate_answer(store, log, rating, interface="cli", key_name="benchmark", key_id="benchmark")
                console.print(f"{'right' if right else 'wrong'}: {question} -> {answer.text[:70]!r}")
            rated = rated_answers(store)
            before = evaluate_rated(lm, rated)
            options = DatasetOptions(feedback=True, min_train=5, min_test=1)
            manifest, stats = DatasetBuilder(lm, options=options).write(settings.data_dir / "dataset")
        console.print(f"dataset: {stats.kinds}; dropped {stats.dropped}")
        config = FinetuneConfig(max_steps=arguments.steps, batch_size=2, max_length=512)
        with console.status(f"fine-tuning {arguments.steps} steps"):
            metadata = finetune(settings, settings.data_dir / "dataset", config=config)
        losses = [row["loss"] for row in metadata.losses if "loss" in row]
        console.print(
            f"fine-tuned run {metadata.run}: loss {losses[0]:.3f} -> {losses[-1]:.3f} in {metadata.seconds:.0f} s"
        )
        tuned_settings = settings.model_copy(update={"llm_adapter": metadata.adapter})
        with console.status("asking the fine-tuned model"), Retriever.from_settings(tuned_settings) as tuned:
            after = evaluate_rated(tuned, rated)
    for name, report in (("base", before), ("fine-tuned", after)):
        console.print(
            f"{name:<10} {report.model}: corrected {report.corrected_right}/{report.corrected} right, up-voted "
            f"{report.up_voted_same}/{report.up_voted} same, down-voted {report.down_voted_changed}/"
            f"{report.down_voted} changed"
        )
    console.print(f"CPU: {cpu_model()}; {arguments.steps} steps; data {manifest.data_hash[:12]}")
    if arguments.json:
        arguments.json.write_text(
            json.dumps({"before": before.model_dump(mode="json"), "after": after.model_dump(mode="json"),
                        "steps": arguments.steps, "stats": stats.model_dump(), "cpu": cpu_model()}, indent=2)
        )  # fmt: skip


if __name__ == "__main__":
    main()
