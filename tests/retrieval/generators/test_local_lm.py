"""The local language-model generator on the packaged SmolLM2: token streaming, cited answers, the promoted
adapter, and the retriever's streamed answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from tests.retrieval.generators.conftest import answering_with
from tests.retrieval.generators.contexts import BALKANS, context
from trellis.kg.settings import Settings
from trellis.retrieval import Answer, AnswerOptions, Retriever
from trellis.retrieval.context import build_context
from trellis.retrieval.errors import GeneratorError
from trellis.retrieval.generators import LocalLMGenerator, StreamingGenerator, make_generator
from trellis.retrieval.generators.local_lm import choose_adapter
from trellis.retrieval.generators.promoted import PromotedModel, write_promoted

QUESTION = "What is the capital of Albania?"


@pytest.fixture(scope="module")
def local(lm_settings: Settings, causal_lm: tuple[Any, Any]) -> LocalLMGenerator:
    return LocalLMGenerator(lm_settings, model=causal_lm[0], tokenizer=causal_lm[1])


@pytest.mark.slow
def test_tokens_stream_and_join_to_the_generated_answer(local: LocalLMGenerator) -> None:
    ctx = context(QUESTION, passages=(BALKANS,))
    pieces = list(local.stream(QUESTION, ctx))
    assert isinstance(local, StreamingGenerator) and local.name == "smollm2-135m-instruct"
    assert len(pieces) >= 3 and all(isinstance(piece, str) and piece for piece in pieces)
    generation = local.generate(QUESTION, ctx)  # greedy: the same text again
    assert generation == local.finish("".join(pieces), ctx)
    assert generation.answerable and generation.citations == [1] and "[1]" in generation.text


@pytest.mark.slow
def test_a_reader_can_stop_the_stream_early(local: LocalLMGenerator) -> None:
    stream = local.stream(QUESTION, context(QUESTION, passages=(BALKANS,)))
    assert next(stream)
    stream.close()  # the generating thread is told to stop and joined
    assert list(stream) == []


@pytest.mark.slow
def test_the_retriever_streams_pieces_then_the_cited_answer(retriever: Retriever, local: LocalLMGenerator) -> None:
    with answering_with(retriever, local):
        items = list(retriever.stream_answer(QUESTION, AnswerOptions(k=3, token_budget=256)))
    *pieces, final = items
    assert isinstance(final, Answer) and all(isinstance(piece, str) for piece in pieces) and len(pieces) >= 3
    assert final.model == local.name and final.answerable and final.citations
    assert final.text.startswith("".join(pieces).strip().split("[")[0].strip())
    assert {"generate", "total"} <= set(final.timings)


@pytest.mark.slow
def test_the_context_is_fitted_to_the_models_window(retriever: Retriever, local: LocalLMGenerator) -> None:
    assert local.window == local.model.config.max_position_embeddings
    assert 0 < local.context_tokens < local.window - local.max_new_tokens
    long = BALKANS.model_copy(update={"text": BALKANS.text + " Tirana lies in central Albania." * 3_000})
    huge = build_context(QUESTION, [long], [], token_budget=32_768, count_tokens=lambda text: len(text.split()))
    with pytest.raises(GeneratorError, match="window"):
        local.generate(QUESTION, huge)  # a prompt past the window is refused before the model runs
    with answering_with(retriever, local):
        _, fitted, _ = retriever._context(QUESTION, AnswerOptions(k=20, token_budget=32_768))
    assert retriever.embedder.count_tokens(fitted.text) <= local.context_tokens


@pytest.mark.slow
def test_the_promoted_adapter_is_loaded_and_named(
    lm_settings: Settings, causal_lm: tuple[Any, Any], lora_adapter: Path, tmp_path: Path
) -> None:
    settings = lm_settings.model_copy(update={"data_dir": tmp_path, "generator": "local"})
    assert choose_adapter(settings) == (None, None)
    write_promoted(settings, PromotedModel(run="run-7", adapter=lora_adapter, base_model="smollm2-135m-instruct"))
    assert choose_adapter(settings) == (lora_adapter, "run-7")
    named = settings.model_copy(update={"llm_adapter": lora_adapter})
    assert choose_adapter(named) == (lora_adapter, lora_adapter.name)  # an explicit setting wins

    generator = make_generator(settings)
    assert isinstance(generator, LocalLMGenerator) and generator.name == "smollm2-135m-instruct+lora:run-7"
    weight = "model.layers.0.self_attn.q_proj.weight"
    assert not torch.equal(generator.model.state_dict()[weight], causal_lm[0].state_dict()[weight])
