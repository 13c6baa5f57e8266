"""Answers and their sources against the real graph, with the extractive generator."""

from __future__ import annotations

from trellis.api.services.ask import answer_question, cited_sources, stream_answer
from trellis.retrieval import Answer, AnswerOptions, Retriever


def test_an_answer_cites_its_sources_with_their_titles(retriever: Retriever) -> None:
    answer = answer_question(retriever, "What is the capital of Albania?", AnswerOptions(k=4))
    assert answer.answerable and answer.text.startswith("Tirana")
    sources = cited_sources(retriever, answer)
    assert [s.number for s in sources] == sorted(c.number for c in answer.citations)
    assert sources and all(s.title and s.document_id for s in sources)
    untitled = answer.model_copy(update={"citations": [c.model_copy(update={"title": None}) for c in answer.citations]})
    assert [s.title for s in cited_sources(retriever, untitled)] == [s.title for s in sources]
    assert cited_sources(retriever, answer.model_copy(update={"citations": []})) == []


def test_a_streamed_answer_ends_with_the_whole_answer(retriever: Retriever) -> None:
    items = list(stream_answer(retriever, "What is the capital of Albania?"))
    final = items[-1]
    assert isinstance(final, Answer) and final.answerable
    assert all(isinstance(item, str) for item in items[:-1]) and "".join(items[:-1])  # type: ignore[arg-type]
