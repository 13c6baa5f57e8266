"""Trellis inside LangChain: the BaseRetriever returns documents with provenance; the chain returns cited answers."""

from __future__ import annotations

from trellis.retrieval import Answer, Retriever
from trellis.retrieval.langchain import TrellisRetriever, answer_chain


def test_retriever_returns_documents_with_provenance(retriever: Retriever) -> None:
    documents = TrellisRetriever(retriever=retriever, k=3).invoke("What is the capital of Albania?")
    assert 0 < len(documents) <= 3
    assert any("Tirana" in document.page_content for document in documents)
    chunk_ids = [document.metadata["chunk_id"] for document in documents]
    found = retriever.store.query("retrieval_chunks", ids=chunk_ids)
    assert {row["id"] for row in found} == set(chunk_ids)


def test_chain_answers_with_citations(retriever: Retriever) -> None:
    chain = answer_chain(retriever)
    result = chain.invoke({"question": "What is the capital of Albania?"})
    assert isinstance(result, Answer)
    assert result.answerable and "Tirana" in result.text and result.citations
    assert chain.batch(["What is the capital of Japan?"])[0].answerable is False
