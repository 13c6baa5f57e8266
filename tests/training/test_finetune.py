"""LoRA fine-tuning on a tiny model built from a config: the loss falls, the run is registered, the adapter loads."""

from __future__ import annotations

from pathlib import Path

from trellis.kg.settings import Settings
from trellis.training.finetune import FinetuneConfig, finetune
from trellis.training.registry import list_runs, read_run


def _config(tiny_model: Path, **overrides: object) -> FinetuneConfig:
    values: dict[str, object] = {
        "base_model": tiny_model, "max_steps": 20, "batch_size": 4, "learning_rate": 3e-2, "logging_steps": 2,
        "save_steps": 10, "lora_r": 8, "lora_alpha": 32, "max_length": 256, "eval_examples": 2, "warmup_ratio": 0.0,
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    }  # fmt: skip
    values.update(overrides)
    return FinetuneConfig.model_validate(values)


def test_loss_falls_and_the_run_is_registered(
    training_settings: Settings, tiny_model: Path, tiny_dataset: Path
) -> None:
    steps: list[int] = []
    metadata = finetune(
        training_settings, tiny_dataset, config=_config(tiny_model), on_step=lambda step, total, _: steps.append(step)
    )
    losses = [row["loss"] for row in metadata.losses if "loss" in row]
    assert len(losses) == 10
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3 - 0.5, losses
    assert steps[-1] == 20
    assert (metadata.adapter / "adapter_config.json").is_file()
    assert (metadata.adapter.parent / "loss.png").stat().st_size > 5_000
    assert not (metadata.adapter.parent / "checkpoints").exists()
    assert read_run(training_settings, metadata.run) == metadata
    assert [run.run for run in list_runs(training_settings)] == [metadata.run]
    assert metadata.examples["train"] == 24 and len(metadata.data_hash) == 64


def test_promoted_adapter_loads_into_the_generator(
    training_settings: Settings, tiny_model: Path, tiny_dataset: Path
) -> None:
    from trellis.retrieval.generators import make_generator
    from trellis.retrieval.generators.promoted import read_promoted
    from trellis.retrieval.types import Context
    from trellis.training.registry import promote

    metadata = finetune(training_settings, tiny_dataset, config=_config(tiny_model, max_steps=2, eval_examples=0))
    promote(training_settings, metadata.run)
    pointer = read_promoted(training_settings)
    assert pointer is not None and pointer.run == metadata.run and pointer.adapter == metadata.adapter

    settings = training_settings.model_copy(update={"generator": "local", "llm_max_new_tokens": 4})
    generator = make_generator(settings)
    assert generator.name.endswith(f"+lora:{metadata.run}")
    context = Context(question="What is the capital of Albania?", text="Facts:\n(Tirana) -[CAPITAL_OF]-> (Albania) [1]")
    assert isinstance(generator.generate(context.question, context).text, str)
