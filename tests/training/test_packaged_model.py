"""The real packaged SmolLM2-135M-Instruct: a few LoRA steps on short sequences, then base against fine-tuned."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings
from trellis.retrieval.models import ensure_checkpoint
from trellis.training.evaluate import EvalConfig, evaluate
from trellis.training.finetune import FinetuneConfig, finetune

pytestmark = pytest.mark.slow


def test_a_few_steps_on_the_packaged_model_then_evaluate(tmp_path: Path, tiny_dataset: Path, store: GraphStore) -> None:
    settings = Settings(data_dir=tmp_path / "data", device="cpu")  # the default cache: the model converted once
    config = FinetuneConfig(max_steps=3, batch_size=2, max_length=256, logging_steps=1, eval_examples=0)
    metadata = finetune(settings, tiny_dataset, config=config)
    assert metadata.base_model_path == ensure_checkpoint(settings)
    losses = [row["loss"] for row in metadata.losses if "loss" in row]
    assert len(losses) == 3 and all(math.isfinite(loss) and loss > 0 for loss in losses)

    totals: list[int] = []
    ticks: list[None] = []
    report = evaluate(settings, tiny_dataset, store=store, run=metadata.run, config=EvalConfig(max_new_tokens=24),
                      tick=lambda: ticks.append(None), total=totals.append)  # fmt: skip
    assert totals == [4] and len(ticks) == 4, "the bar's total: 2 examples, 2 models"
    assert [m.model for m in report.models] == [metadata.base_model, f"{metadata.base_model}+lora:{metadata.run}"]
    assert report.examples == 2 and all(set(row) >= {"base", "tuned"} for row in report.predictions)
    for metrics in report.models:
        assert 0 <= metrics.exact_match <= 100 and 0 <= metrics.f1 <= 100
        assert metrics.valid_cited_relations is None or 0 <= metrics.valid_cited_relations <= 100

    answers = list((settings.data_dir / "training" / "base-answers").glob("*.json"))
    assert len(answers) == 1, "the base model's answers are kept for the next comparison"
    ticks.clear()
    again = evaluate(settings, tiny_dataset, store=store, config=EvalConfig(max_new_tokens=24),
                     tick=lambda: ticks.append(None))  # fmt: skip
    assert len(ticks) == 2, "cached answers count on the bar too"
    assert [row["base"] for row in again.predictions] == [row["base"] for row in report.predictions]
    assert again.models[0].model_copy(update={"seconds": 0}) == report.models[0].model_copy(update={"seconds": 0})
