"""One message of the askStream subscription: a piece of text, or the final answer."""

from __future__ import annotations

import strawberry

from trellis.api.graphql.types.answer import Answer

__all__ = ["AskEvent"]


@strawberry.type(description="A piece of the answer's text as generated (token), then once the whole answer.")
class AskEvent:
    token: str | None = None
    answer: Answer | None = None
