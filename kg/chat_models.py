"""LangChain chat models built from a ``provider:model`` spec, bounded in time: the one place both the ``langchain``
generator (retrieval) and the LLM relation extractor (kg/ingest) make theirs.

``init_chat_model`` hands its keyword arguments to the provider's class; ``timeout`` and ``max_retries`` are the
names the provider classes share (ChatOpenAI, ChatAnthropic, ChatMistralAI, ChatGroq, ...). Without them a silent
model server holds the caller for the SDK's own default (ten minutes for OpenAI's, with two retries).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trellis.kg.errors import ConfigurationError
from trellis.kg.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["MAX_RETRIES", "langchain_chat_model"]

MAX_RETRIES = 1
"""Retries of one model call after a failure or a timeout: a call takes at most about twice the timeout."""


def langchain_chat_model(spec: str, *, settings: Settings, **options: Any) -> BaseChatModel:
    """``init_chat_model(spec)`` with ``settings.llm_timeout_s`` per call and :data:`MAX_RETRIES`; a spec that
    cannot be built is a :class:`ConfigurationError` naming it."""
    try:
        from langchain.chat_models import init_chat_model  # the [langchain] extra: only the optional chat models

        return init_chat_model(  # configurable_fields=None picks the overload that builds a model now
            spec, configurable_fields=None, timeout=settings.llm_timeout_s, max_retries=MAX_RETRIES, **options
        )
    except ModuleNotFoundError as exc:
        raise ConfigurationError(
            f"chat model {spec!r} needs LangChain ({exc.name} is missing): pip install 'trellis[langchain]'"
        ) from exc
    except (ImportError, ValueError) as exc:
        raise ConfigurationError(f"chat model {spec!r} cannot be built: {exc}") from exc
