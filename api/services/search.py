"""Search: passages for a text by hybrid search; and retrieval, what answering a question would read.

"Search" means one thing across Trellis's interfaces: the passages of a text by dense and full-text search fused by
reciprocal rank fusion, nothing more (no entities, no graph): :func:`search_passages`, GraphQL's ``search``. What
the MCP ``search`` tool returns is :func:`retrieve`: the passages and linked entities that answering would use,
ranked with the graph's help.
"""

from __future__ import annotations

from trellis.retrieval import Retriever
from trellis.retrieval.questions import clean_question
from trellis.retrieval.search import PassageSearch
from trellis.retrieval.types import AnswerOptions, Passage, Retrieval

__all__ = ["retrieve", "search_passages"]


def search_passages(retriever: Retriever, text: str, *, k: int) -> list[Passage]:
    """The ``k`` passages best matching ``text`` by dense and full-text search (fused by RRF), best first."""
    cleaned = clean_question(text, max_chars=AnswerOptions().max_question_chars)
    vector = retriever.embedder.embed_queries([cleaned])[0]
    hybrid = PassageSearch(store=retriever.store, index=retriever.chunk_index, candidates=k)
    return hybrid.run(cleaned, vector)[:k]


def retrieve(retriever: Retriever, question: str, *, k: int) -> Retrieval:
    """What answering ``question`` reads: its linked entities and the ``k`` passages ranked with the graph's help
    (expansion, second hop, diversity), without generating an answer."""
    return retriever.retrieve(question, options=AnswerOptions(k=k))
