"""The OpenAI-compatible chat route: ``/v1/chat/completions`` and ``/v1/models``, answered from the graph."""

from trellis.api.chat.openai_routes import router

__all__ = ["router"]
