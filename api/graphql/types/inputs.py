"""Input objects: how to answer, which entities, which documents to ingest."""

from __future__ import annotations

import strawberry

from trellis.retrieval.types import DEFAULT_K, DEFAULT_TOKEN_BUDGET, AnswerOptions

__all__ = ["AskOptions", "DocumentInput", "EntityFilter"]


@strawberry.input(description="How to answer; omitted fields keep their defaults.")
class AskOptions:
    k: int | None = strawberry.field(default=None, description=f"Passages to use (1-100, default {DEFAULT_K}).")
    hops: int | None = strawberry.field(default=None, description="Graph expansion depth (0-3, default 2).")
    max_facts: int | None = strawberry.field(default=None, description="Facts to use (0-100, default 8).")
    token_budget: int | None = strawberry.field(
        default=None, description=f"Context tokens (32-32768, default {DEFAULT_TOKEN_BUDGET})."
    )

    def to_domain(self) -> AnswerOptions:
        """Validated options (pydantic refuses values out of range)."""
        given = {"k": self.k, "hops": self.hops, "max_facts": self.max_facts, "token_budget": self.token_budget}
        return AnswerOptions(**{key: value for key, value in given.items() if value is not None})


@strawberry.input(description="Which entities: of one type, with a name containing some text.")
class EntityFilter:
    type: str | None = None
    name_contains: str | None = None


@strawberry.input(description="A document to ingest: its text, and optionally an id, a title and a source label.")
class DocumentInput:
    text: str
    id: str | None = strawberry.field(default=None, description="Stable id; default: 'api-' and a hash of the text.")
    title: str | None = None
    source: str | None = strawberry.field(default=None, description="Where it came from (a label, not read).")
