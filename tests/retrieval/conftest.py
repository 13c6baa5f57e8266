"""The retrieval fixtures (``retriever``, ``retrieval_settings``, ``retrieval_corpus``, ...) live in tests/conftest.py:
tests/api uses them too. Here: the packaged language model, loaded once per session, and a real LoRA adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.settings import Settings


@pytest.fixture(scope="session")
def lm_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the packaged language model on the CPU: short answers, a data folder of their own (no
    promoted adapter), the checkpoint cache shared with every session (it is converted once per machine)."""
    return Settings(device="cpu", data_dir=tmp_path_factory.mktemp("lm-data"), llm_max_new_tokens=12)


@pytest.fixture(scope="session")
def causal_lm(lm_settings: Settings) -> tuple[Any, Any]:
    """The packaged SmolLM2-135M-Instruct and its tokenizer, loaded once per session."""
    from retrieval.models import load_causal_lm

    return load_causal_lm(lm_settings)


@pytest.fixture(scope="session")
def lora_adapter(lm_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real LoRA adapter of the packaged model (rank 2, random weights so that it changes the model)."""
    from peft import LoraConfig, get_peft_model

    from retrieval.models import load_causal_lm

    model, _ = load_causal_lm(lm_settings)
    config = LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    folder = tmp_path_factory.mktemp("adapter")
    get_peft_model(model, config).save_pretrained(folder)
    return folder
