"""The MCP ``rate_answer`` tool: a client says whether an ``ask`` answer was right, and what is right if not.

Offered with the read tools (any key that may ask may rate); the answer is named by the ``answer_id`` that ``ask``
returned. Bad input and unknown answers come back as tool errors with the service's one-line message.
"""

from __future__ import annotations

from typing import Literal

from mcp.server.mcpserver import Context
from pydantic import BaseModel

from trellis.api.answer_records import rate
from trellis.api.mcp.tools import GraphTools, tool_errors

__all__ = ["FeedbackTools", "RatingResult"]


class RatingResult(BaseModel):
    """The stored rating: its id, the answer it is on, the rating and the correction and comment kept."""

    id: str
    answer_id: str
    rating: Literal["UP", "DOWN"]
    correction: str | None = None
    comment: str | None = None


class FeedbackTools:
    """The rating tool over one app's state; the caller is found as the read tools find it."""

    def __init__(self, reads: GraphTools) -> None:
        self.reads = reads

    def rate_answer(
        self,
        answer_id: str,
        rating: Literal["UP", "DOWN"],
        ctx: Context,
        correction: str | None = None,
        comment: str | None = None,
    ) -> RatingResult:
        """Rate an answer of `ask` (its answer_id) UP when right or DOWN when wrong; with DOWN, `correction` may
        give the right answer. Used to evaluate and improve the model."""
        state = self.reads.state
        with tool_errors(state.settings):
            stored = rate(
                state,
                self.reads.caller(ctx),
                interface="mcp",
                answer_id=answer_id,
                rating=rating,
                correction=correction,
                comment=comment,
            )
            return RatingResult(**stored.model_dump(include=set(RatingResult.model_fields)))
