"""LangChain integration: Trellis as a ``BaseRetriever`` and as a runnable question-answering chain."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from trellis.retrieval.retriever import Retriever
from trellis.retrieval.types import Answer, AnswerOptions

__all__ = ["TrellisRetriever", "answer_chain"]


class TrellisRetriever(BaseRetriever):
    """Passages ranked by Trellis's hybrid graph + vector retrieval, as LangChain documents with their provenance."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int = 6

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        retrieval = self.retriever.retrieve(query, options=AnswerOptions(k=self.k))
        return [
            Document(
                page_content=passage.text,
                id=passage.chunk_id,
                metadata={
                    "chunk_id": passage.chunk_id,
                    "document_id": passage.document_id,
                    "title": passage.title,
                    "score": passage.score,
                    "dense": passage.dense,
                    "fulltext": passage.fulltext,
                    "ppr": passage.ppr,
                },
            )
            for passage in retrieval.passages[: self.k]
        ]


def answer_chain(retriever: Retriever, options: AnswerOptions | None = None) -> Runnable[Any, Answer]:
    """A runnable that takes a question (or ``{"question": ...}``) and returns the cited :class:`Answer`."""

    def run(question: str | dict[str, Any]) -> Answer:
        text = question["question"] if isinstance(question, dict) else question
        return retriever.answer(text, options)

    return RunnableLambda(run, name="trellis_answer")
