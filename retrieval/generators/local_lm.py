"""The local language-model generator: a Hugging Face causal LM (default SmolLM2-135M-Instruct, optionally with a
LoRA adapter) answers from the context through its chat template, streaming tokens as they come.

Greedy decoding unless ``settings.llm_temperature`` is above zero. A relation the model cites is always one of the
context's facts unless ``settings.llm_constrain_citations`` is off (:mod:`retrieval.generators.constrained`). The
adapter is the one the settings name, else the one training promoted (:mod:`retrieval.generators.promoted`), else
none; :attr:`LocalLMGenerator.name` says which.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trellis.kg.settings import Settings
from trellis.retrieval.errors import GeneratorError
from trellis.retrieval.generators.base import Generation
from trellis.retrieval.generators.decoding import answer_processors
from trellis.retrieval.generators.grounding import ground
from trellis.retrieval.generators.promoted import read_promoted
from trellis.retrieval.generators.prompts import chat_messages, context_room
from trellis.retrieval.models import load_causal_lm, model_name
from trellis.retrieval.types import Context, LinkedEntity

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase, StoppingCriteriaList

__all__ = ["LocalLMGenerator", "choose_adapter"]

logger = logging.getLogger(__name__)
_STREAM_TIMEOUT_S = 600.0  # longest wait for one token before the stream gives up


def choose_adapter(settings: Settings) -> tuple[Path | None, str | None]:
    """The adapter to load and its label: the setting's, else the promoted run's, else none."""
    if settings.llm_adapter is not None:
        return settings.llm_adapter, Path(settings.llm_adapter).name
    promoted = read_promoted(settings)
    if promoted is not None:
        return promoted.adapter, promoted.run
    return None, None


_DEFAULT_WINDOW = 2048  # a model whose configuration names no window


def _stopping_when(stop: threading.Event) -> StoppingCriteriaList:
    """Stopping criteria that end the generation once ``stop`` is set."""
    from transformers import StoppingCriteria, StoppingCriteriaList

    class _Stopped(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
            return stop.is_set()

    return StoppingCriteriaList([_Stopped()])


class LocalLMGenerator:
    """Answers with a local causal LM over the cited context; implements the streaming generator protocol."""

    def __init__(
        self,
        settings: Settings,
        *,
        model: PreTrainedModel | None = None,
        tokenizer: PreTrainedTokenizerBase | None = None,
        adapter: Path | None = None,
        label: str | None = None,
    ) -> None:
        """Load the model the settings choose, or use ``model`` and ``tokenizer`` already loaded (named by
        ``label``); ``adapter`` overrides the adapter the settings choose."""
        self.max_new_tokens = settings.llm_max_new_tokens
        self.temperature = settings.llm_temperature
        self.constrain_citations = settings.llm_constrain_citations
        self.abstain_threshold = settings.llm_abstain_threshold
        if model is not None and tokenizer is not None:
            self.model, self.tokenizer = model, tokenizer
            self.name = label or model_name(settings)
        else:
            run: str | None
            adapter, run = (adapter, adapter.name) if adapter is not None else choose_adapter(settings)
            self.model, self.tokenizer = load_causal_lm(settings, adapter=adapter)
            self.name = model_name(settings) + (f"+lora:{run}" if run else "")
            logger.info("local generator %s ready", self.name)
        self.window = int(getattr(self.model.config, "max_position_embeddings", 0) or _DEFAULT_WINDOW)
        self.context_tokens = context_room(self.window, self.max_new_tokens)
        """The most context tokens a prompt can carry in the model's window (the retriever fits its context to it)."""

    def _inputs(self, question: str, context: Context) -> dict[str, Any]:
        encoded: Any = self.tokenizer.apply_chat_template(
            chat_messages(question, context), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        length = int(encoded["input_ids"].shape[1])
        if length + self.max_new_tokens > self.window:
            raise GeneratorError(
                f"the prompt has {length:,} tokens and the answer may take {self.max_new_tokens}: more than the "
                f"{self.window:,}-token window of {self.name}; ask with a smaller tokenBudget"
            )
        return {key: value.to(self.model.device) for key, value in encoded.items()}

    def stream(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Iterator[str]:
        """The answer's text in pieces as the model generates them (stopping early if the caller stops reading)."""
        from transformers import TextIteratorStreamer

        stop = threading.Event()
        streamer = TextIteratorStreamer(
            self.tokenizer,
            skip_prompt=True,
            skip_special_tokens=True,
            timeout=_STREAM_TIMEOUT_S,
        )
        failure: list[BaseException] = []
        inputs = self._inputs(question, context)
        options = {
            **inputs,
            "max_new_tokens": self.max_new_tokens,
            "pad_token_id": self.tokenizer.pad_token_id,
            "streamer": streamer,
            "stopping_criteria": _stopping_when(stop),
            **self._sampling(context, prompt_length=inputs["input_ids"].shape[1]),
        }
        worker = threading.Thread(target=self._generate, args=(options, failure), name="trellis-generate", daemon=True)
        worker.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        finally:
            stop.set()
            worker.join()
        if failure:
            raise GeneratorError(f"the local model {self.name} failed to generate: {failure[0]}") from failure[0]

    def _sampling(self, context: Context, *, prompt_length: int) -> dict[str, Any]:
        """How the next token is chosen: greedily or by sampling, through the answer's logits processors."""
        sampling: dict[str, Any] = {"do_sample": False}
        if self.temperature > 0:
            sampling = {"do_sample": True, "temperature": self.temperature}
        sampling["logits_processor"] = answer_processors(
            self.tokenizer,
            [context.text],
            prompt_length=prompt_length,
            abstain_threshold=self.abstain_threshold,
            constrain_citations=self.constrain_citations,
        )
        return sampling

    def _generate(self, options: dict[str, Any], failure: list[BaseException]) -> None:
        """Generate into ``options``' streamer; a failure is kept in ``failure`` for the reader and ends the stream."""
        try:
            self.model.generate(**options)  # type: ignore[operator]
        except Exception as exc:  # surfaced to the reader
            failure.append(exc)
            options["streamer"].end()

    def finish(self, text: str, context: Context) -> Generation:
        """The cited answer the generated ``text`` makes."""
        return ground(text, context)

    def generate(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation:
        """The model's whole answer, cited (see :func:`retrieval.generators.grounding.ground`)."""
        return self.finish("".join(self.stream(question, context, entities=entities)), context)
