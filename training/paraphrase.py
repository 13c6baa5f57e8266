"""LLM paraphrases of template questions, used only when a chat model is configured: ``chat_model`` (any LangChain
chat model) or, with ``generator="openai"``, the OpenAI-compatible endpoint of the settings.

A paraphrase is kept only when it still names every entity the template named and is a single question;
otherwise the template's wording stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from trellis.kg.chat_models import langchain_chat_model
from trellis.kg.settings import Settings
from trellis.training.prompts import PARAPHRASE_PROMPT

__all__ = ["Paraphrase", "accept_paraphrase", "paraphraser_from"]

logger = logging.getLogger(__name__)

Paraphrase = Callable[[str], str]


def accept_paraphrase(original: str, candidate: str, *, names: list[str]) -> str:
    """``candidate`` when it is one question naming every one of ``names``, else ``original``."""
    candidate = " ".join(candidate.strip().strip('"').split())
    if not candidate or "\n" in candidate or len(candidate) > 3 * len(original) + 40:
        return original
    if not candidate.endswith("?") and original.endswith("?"):
        return original
    if not all(name in candidate for name in names):
        return original
    return candidate


def paraphraser_from(settings: Settings) -> Paraphrase | None:
    """A paraphrase function over the configured LangChain chat model, or None when none is configured."""
    if settings.chat_model:
        model_name = settings.chat_model
    elif settings.generator == "openai" and (settings.openai_base_url or settings.openai_api_key):
        model_name = f"openai:{settings.openai_model}"
    else:
        return None
    extra: dict[str, Any] = {}
    if model_name.startswith("openai:") and not settings.chat_model:
        extra = {"base_url": settings.openai_base_url, "temperature": 0.7}
        if settings.openai_api_key is not None:
            extra["api_key"] = settings.openai_api_key.get_secret_value()
    model = langchain_chat_model(model_name, settings=settings, **extra)

    def paraphrase(question: str) -> str:
        reply = model.invoke(PARAPHRASE_PROMPT.format(question=question))
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        return content

    return paraphrase
