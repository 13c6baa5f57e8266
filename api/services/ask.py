"""Ask: a cited answer from the graph, whole or as it is generated, and the sources it cites."""

from __future__ import annotations

from collections.abc import Iterator

from trellis.api.services.documents import chunks_by_ids
from trellis.retrieval import Answer, AnswerOptions, Citation, Passage, Retriever

__all__ = ["answer_question", "cited_sources", "stream_answer"]


def answer_question(retriever: Retriever, question: str, options: AnswerOptions | None = None) -> Answer:
    """A cited answer to ``question``, or "Not in the graph" when the graph does not hold one (blocking work)."""
    return retriever.answer(question, options)


def stream_answer(retriever: Retriever, question: str, options: AnswerOptions | None = None) -> Iterator[str | Answer]:
    """The answer's text in pieces as generated, then the final :class:`~retrieval.Answer` (whose text wins)."""
    return retriever.stream_answer(question, options)


def cited_sources(retriever: Retriever, answer: Answer) -> list[Citation]:
    """The answer's citations in order of their numbers, each with its document's title and section; a citation
    without them (a fact's evidence outside the passages) has them read in one bounded query."""
    if not answer.citations:
        return []
    untitled = [c.chunk_id for c in answer.citations if c.title is None]
    found = {p.chunk_id: p for p in chunks_by_ids(retriever.store, untitled)}
    return [_titled(c, found.get(c.chunk_id)) for c in sorted(answer.citations, key=lambda c: c.number)]


def _titled(citation: Citation, passage: Passage | None) -> Citation:
    if passage is None:
        return citation
    return citation.model_copy(
        update={"title": citation.title or passage.title, "section": citation.section or passage.section}
    )
