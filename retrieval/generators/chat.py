"""The chat-model generator: an OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp server, Ollama, ...) or any
LangChain chat model answers from the context, with the same prompt as the local model, streaming as it goes.

``settings.generator == "openai"`` talks to ``settings.openai_base_url`` (default: OpenAI) with
``settings.openai_model`` through langchain-openai; ``"langchain"`` builds ``init_chat_model(settings.chat_model)``
(e.g. ``"anthropic:claude-3-5-haiku-latest"``, the provider's package and credentials installed as it documents).
Trellis cannot ask a remote model its window: ``settings.llm_context_window`` says it, and the context is then fitted
to it as to the local model's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from trellis.kg.chat_models import MAX_RETRIES, langchain_chat_model
from trellis.kg.errors import ConfigurationError
from trellis.kg.settings import Settings
from trellis.retrieval.errors import ChatModelError
from trellis.retrieval.generators.base import Generation
from trellis.retrieval.generators.grounding import ground
from trellis.retrieval.generators.prompts import chat_messages, context_room
from trellis.retrieval.types import Context, LinkedEntity

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["ChatModelGenerator", "build_chat_model"]

logger = logging.getLogger(__name__)
_NO_KEY = "not-needed"  # local OpenAI-compatible servers accept any key, but the client insists on one


def _openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    if settings.openai_api_key is None and settings.openai_base_url is None:
        raise ConfigurationError(
            "the openai generator needs TRELLIS_OPENAI_API_KEY (OpenAI) or TRELLIS_OPENAI_BASE_URL "
            "(any OpenAI-compatible server)"
        )
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else _NO_KEY
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=key,  # type: ignore[arg-type]
        temperature=settings.llm_temperature,
        max_completion_tokens=settings.llm_max_new_tokens,
        max_retries=MAX_RETRIES,
        timeout=settings.llm_timeout_s,  # the SDK's own default waits ten minutes for a silent server
    )


def build_chat_model(settings: Settings) -> tuple[BaseChatModel, str]:
    """The chat model the settings name, and a label for answers (``openai:<model>`` or ``langchain:<spec>``)."""
    if settings.generator == "openai":
        return _openai(settings), f"openai:{settings.openai_model}"
    if not settings.chat_model:
        raise ConfigurationError(
            "the langchain generator needs TRELLIS_CHAT_MODEL, an init_chat_model spec such as 'openai:gpt-4o-mini'"
        )
    model = langchain_chat_model(settings.chat_model, settings=settings, temperature=settings.llm_temperature)
    return model, f"langchain:{settings.chat_model}"


def _text(chunk: Any) -> str:
    content = getattr(chunk, "content", "")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))  # content blocks


class ChatModelGenerator:
    """Answers with a chat model over the cited context; implements the streaming generator protocol."""

    def __init__(
        self, settings: Settings, *, chat_model: BaseChatModel | None = None, label: str | None = None
    ) -> None:
        """The chat model the settings name, or ``chat_model`` (any LangChain chat model, named by ``label``)."""
        if chat_model is None:
            chat_model, label = build_chat_model(settings)
        self.chat_model = chat_model
        self.name = label or f"langchain:{type(chat_model).__name__}"
        if settings.llm_context_window is not None:
            self.context_tokens = context_room(settings.llm_context_window, settings.llm_max_new_tokens)
            """The most context tokens a prompt carries in the model's window (the retriever fits its context to it);
            unset when the window is unknown, and then the request's tokenBudget alone bounds the context."""

    def stream(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Iterator[str]:
        """The answer's text in pieces as the chat model sends them."""
        try:
            for chunk in self.chat_model.stream(chat_messages(question, context)):
                if piece := _text(chunk):
                    yield piece
        except Exception as exc:  # network, HTTP and provider errors all mean: this model could not answer
            raise ChatModelError(f"the chat model {self.name} failed: {type(exc).__name__}: {exc}") from exc

    def finish(self, text: str, context: Context) -> Generation:
        """The cited answer the whole ``text`` makes."""
        return ground(text, context)

    def generate(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation:
        """The chat model's whole answer, cited (see :func:`retrieval.generators.grounding.ground`)."""
        return self.finish("".join(self.stream(question, context, entities=entities)), context)
