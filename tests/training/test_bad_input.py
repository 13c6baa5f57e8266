"""Bad input gives a clear error and leaves the registry (runs, promoted pointer, dataset folder) unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.training.conftest import write_tiny_dataset
from trellis.kg.settings import Settings
from trellis.retrieval.generators.promoted import PromotedModel, promoted_path, read_promoted, write_promoted
from trellis.training.errors import (
    BaseModelNotFoundError,
    CorruptAdapterError,
    DatasetNotFoundError,
    RunNotFoundError,
    TooFewExamplesError,
)
from trellis.training.finetune import FinetuneConfig, finetune
from trellis.training.registry import promote, runs_folder, write_metadata
from trellis.training.types import RunMetadata


def _snapshot(folder: Path) -> dict[str, bytes]:
    return (
        {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        if folder.exists()
        else {}
    )


def test_too_few_examples(training_settings: Settings, tiny_model: Path, tmp_path: Path) -> None:
    data = write_tiny_dataset(tmp_path / "small", train=3)
    with pytest.raises(TooFewExamplesError, match="3 training examples"):
        finetune(training_settings, data, config=FinetuneConfig(base_model=tiny_model))
    assert not runs_folder(training_settings).exists()


def test_missing_dataset(training_settings: Settings, tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="trellis train dataset"):
        finetune(training_settings, tmp_path / "nowhere", config=FinetuneConfig(base_model=tiny_model))
    assert not runs_folder(training_settings).exists()


def test_missing_base_model(training_settings: Settings, tiny_dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(BaseModelNotFoundError, match="no base model at"):
        finetune(training_settings, tiny_dataset, config=FinetuneConfig(base_model=tmp_path / "no-model"))
    assert not runs_folder(training_settings).exists()


def test_resume_of_an_unknown_run(training_settings: Settings, tiny_model: Path, tiny_dataset: Path) -> None:
    with pytest.raises(RunNotFoundError, match="no checkpoints"):
        finetune(training_settings, tiny_dataset, config=FinetuneConfig(base_model=tiny_model), run="20990101-000000-x")
    assert not runs_folder(training_settings).exists()


@pytest.mark.parametrize("damage", ["garbage weights", "no adapter", "unknown run"])
def test_corrupt_adapter_is_never_promoted(
    training_settings: Settings, tiny_model: Path, tmp_path: Path, damage: str
) -> None:
    from datetime import UTC, datetime

    adapter = runs_folder(training_settings) / "bad-run" / "adapter"
    adapter.mkdir(parents=True)
    if damage == "garbage weights":
        (adapter / "adapter_config.json").write_text(
            '{"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj"]}'
        )
        (adapter / "adapter_model.safetensors").write_bytes(b"\x00not a safetensors file")
    metadata = RunMetadata(run="bad-run", base_model="tiny", base_model_path=tiny_model, adapter=adapter,
                           dataset=tmp_path, data_hash="0" * 64, created_at=datetime.now(UTC))  # fmt: skip
    write_metadata(training_settings, metadata)
    earlier = PromotedModel(run="good-run", adapter=tmp_path / "good", base_model="tiny")
    write_promoted(training_settings, earlier)
    before = _snapshot(training_settings.data_dir / "models")
    expected = RunNotFoundError if damage == "unknown run" else CorruptAdapterError
    with pytest.raises(expected, match=r"bad-run|other-run"):
        promote(training_settings, "other-run" if damage == "unknown run" else "bad-run")
    assert _snapshot(training_settings.data_dir / "models") == before
    assert read_promoted(training_settings) == earlier
    assert promoted_path(training_settings).is_file()


def test_evaluation_without_neo4j_fails_before_any_generation(training_settings: Settings, tiny_dataset: Path) -> None:
    from trellis.kg.errors import Neo4jUnavailableError
    from trellis.kg.graph import GraphStore
    from trellis.kg.graph.throwaway import free_port
    from trellis.training.evaluate import evaluate

    nowhere = training_settings.model_copy(
        update={"neo4j_uri": f"bolt://127.0.0.1:{free_port()}", "neo4j_password": SecretStr("not-used")}
    )
    with GraphStore(nowhere) as store, pytest.raises(Neo4jUnavailableError, match="cannot reach Neo4j"):
        evaluate(nowhere, tiny_dataset, store=store)
    assert not (nowhere.data_dir / "training" / "base-answers").exists(), "nothing was generated"
