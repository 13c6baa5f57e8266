"""The retrieval fixtures (``retriever``, ``retrieval_settings``, ``retrieval_corpus``, ...) live in tests/conftest.py:
tests/api uses them too. Here: the packaged language model, loaded once per session, a real LoRA adapter, and a hub
entity written into the test graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings
from trellis.retrieval.types import LinkedEntity


@pytest.fixture(scope="session")
def lm_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the packaged language model on the CPU: short answers, a data folder of their own (no
    promoted adapter), the checkpoint cache shared with every session (it is converted once per machine)."""
    return Settings(device="cpu", data_dir=tmp_path_factory.mktemp("lm-data"), llm_max_new_tokens=12)


@pytest.fixture(scope="session")
def causal_lm(lm_settings: Settings) -> tuple[Any, Any]:
    """The packaged SmolLM2-135M-Instruct and its tokenizer, loaded once per session."""
    from trellis.retrieval.models import load_causal_lm

    return load_causal_lm(lm_settings)


@pytest.fixture(scope="session")
def lora_adapter(lm_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real LoRA adapter of the packaged model (rank 2, random weights so that it changes the model)."""
    from peft import LoraConfig, get_peft_model

    from trellis.retrieval.models import load_causal_lm

    model, _ = load_causal_lm(lm_settings)
    config = LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    folder = tmp_path_factory.mktemp("adapter")
    get_peft_model(model, config).save_pretrained(folder)
    return folder


@pytest.fixture
def hub(store: GraphStore) -> Iterator[LinkedEntity]:
    """A country with 60 CITY_IN relations to it, one CAPITAL_OF and one CITY_IN of its own (to a region), whose
    capital's and region's ids sort after every town's, and a person born in one of its towns."""
    store.run_text(
        "CREATE (h:Entity {id: 'hubtest-country', name: 'Hubtestland', type: 'Location'}) "
        "CREATE (:Entity {id: 'hubtest-zz-capital', name: 'Hubtest City', type: 'Location'})"
        "-[:CAPITAL_OF {confidence: 0.8, evidence: []}]->(h) "
        "CREATE (h)-[:CITY_IN {confidence: 0.8, evidence: []}]->"
        "(:Entity {id: 'hubtest-zz-region', name: 'Hubtest Region', type: 'Location'}) "
        "WITH h UNWIND range(10, 69) AS i "
        "CREATE (:Entity {id: 'hubtest-town-' + i, name: 'Hubtest Town ' + i, type: 'Location'})"
        "-[:CITY_IN {confidence: 0.8, evidence: []}]->(h)",
        write=True,
    )
    store.run_text(
        "MATCH (t:Entity {id: 'hubtest-town-10'}) "
        "CREATE (:Entity {id: 'hubtest-person', name: 'Hubtest Person', type: 'Person'})"
        "-[:BORN_IN {confidence: 0.8, evidence: []}]->(t)",
        write=True,
    )
    try:
        yield LinkedEntity(id="hubtest-country", name="Hubtestland", type="Location", score=1.0, mention="Hubtestland")
    finally:
        store.run_text("MATCH (e:Entity) WHERE e.id STARTS WITH 'hubtest-' DETACH DELETE e", write=True)
