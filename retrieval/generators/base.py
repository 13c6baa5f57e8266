"""What every generator offers: one ``generate`` over a question and its context, returning a cited answer;
language-model generators also ``stream`` the text as it is generated and ``finish`` it into a cited answer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

from trellis.retrieval.types import Context, Fact, LinkedEntity

__all__ = ["NOT_IN_GRAPH", "Generation", "Generator", "StreamingGenerator"]

NOT_IN_GRAPH = "Not in the graph: the knowledge graph holds no fact or passage that answers this question."
"""What a generator says when the context does not answer the question."""


class Generation(BaseModel):
    """A generator's answer: its text (citing ``[n]`` of the context), what it cites, and its confidence."""

    text: str
    answerable: bool
    span: str | None = None
    """The short answer itself (a name, place, date, number) when the generator tells it apart from its text."""
    citations: list[int] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    score: float = 0.0


@runtime_checkable
class Generator(Protocol):
    """Answers a question from a context built by :func:`retrieval.context.build_context`.

    Implementations cite only the context's ``[n]`` numbers and answer :data:`NOT_IN_GRAPH` (``answerable``
    False) rather than inventing an answer the context does not support. An LLM generator reads ``context.text``;
    the extractive one reads the structured passages and facts.
    """

    name: str

    def generate(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation:
        """Answer ``question`` from ``context``; ``entities`` are the graph entities the question names."""
        ...


@runtime_checkable
class StreamingGenerator(Generator, Protocol):
    """A generator that yields its text as it is generated: ``"".join(stream(...))`` then ``finish`` equals
    ``generate``."""

    def stream(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Iterator[str]:
        """The answer's text in pieces, as the model produces them."""
        ...

    def finish(self, text: str, context: Context) -> Generation:
        """The cited answer that the whole streamed ``text`` makes."""
        ...
