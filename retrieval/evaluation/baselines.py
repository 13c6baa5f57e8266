"""Baselines from outside Trellis, over the same chunks: BM25 (``rank_bm25``) and the peer, neo4j-graphrag's
``HybridRetriever`` pointed at Trellis's own Neo4j vector and full-text indexes.

Both are what a sceptical user would set beside a graph RAG system: if the graph does not beat plain keyword
search or a well-known hybrid retriever over the very same chunks, it adds nothing. Their packages are the
``eval`` extra; a missing one is a clear :class:`~retrieval.errors.EvaluationDataError`.
"""

from __future__ import annotations

import re
from time import perf_counter
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.systems import Retrieved
from trellis.retrieval.questions import clean_question
from trellis.retrieval.retriever import Retriever
from trellis.retrieval.search import fetch_passages
from trellis.retrieval.types import AnswerOptions, Passage

__all__ = ["BM25System", "PeerHybridSystem", "bm25_tokens"]

_WORD = re.compile(r"\w+", re.UNICODE)
_PAGE = 5_000


def bm25_tokens(text: str) -> list[str]:
    """Lower-cased words without English stop words: the BM25 baseline's analyser."""
    return [word for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]


def _missing(package: str, error: ImportError) -> EvaluationDataError:
    return EvaluationDataError(f"the {package} baseline needs its package ({error.name}): pip install 'trellis[eval]'")


class BM25System:
    """Okapi BM25 (``rank_bm25``, k1 1.5, b 0.75) over every chunk of the graph, read once from Neo4j."""

    name = "bm25"

    def __init__(self, retriever: Retriever, *, depth: int) -> None:
        try:
            from rank_bm25 import BM25Okapi
        except ImportError as error:
            raise _missing("BM25", error) from error
        self.retriever = retriever
        self.depth = depth
        rows: list[dict[str, Any]] = []
        after = ""
        while page := retriever.store.query("eval_chunk_texts", after=after, limit=_PAGE):
            rows += page
            after = page[-1]["id"]
        self.ids = [row["id"] for row in rows]
        self.index = BM25Okapi([bm25_tokens(row["text"] or "") for row in rows]) if rows else None

    def retrieve(self, question: str) -> Retrieved:
        question = clean_question(question, max_chars=AnswerOptions().max_question_chars)
        began = perf_counter()
        passages: list[Passage] = []
        if self.index is not None and (tokens := bm25_tokens(question)):
            scores = self.index.get_scores(tokens)
            best = np.argsort(-scores, kind="stable")[: self.depth]
            ranked = [self.ids[i] for i in best if scores[i] > 0]
            found = fetch_passages(self.retriever.store, ranked)
            passages = [found[i] for i in ranked if i in found]
        return Retrieved(passages=passages, seconds=perf_counter() - began)


class PeerHybridSystem:
    """neo4j-graphrag's ``HybridRetriever`` (vector + full-text, no graph) over Trellis's ``chunk_embedding`` and
    ``chunk_text`` indexes, embedding the question with Trellis's own embedder."""

    name = "peer-hybrid"

    def __init__(self, retriever: Retriever, *, depth: int) -> None:
        try:
            from neo4j_graphrag.embeddings.base import Embedder as PeerEmbedder
            from neo4j_graphrag.retrievers import HybridRetriever
            from neo4j_graphrag.types import RetrieverResultItem
        except ImportError as error:
            raise _missing("neo4j-graphrag", error) from error
        embed = retriever.embedder.embed

        class TrellisEmbedder(PeerEmbedder):
            def embed_query(self, text: str) -> list[float]:
                return [float(x) for x in embed([text])[0]]

        self.retriever = retriever
        self.depth = depth
        self.peer = HybridRetriever(
            retriever.store.driver,
            vector_index_name="chunk_embedding",
            fulltext_index_name="chunk_text",
            embedder=TrellisEmbedder(),
            return_properties=["id"],
            result_formatter=lambda record: RetrieverResultItem(content=record.get("node")["id"]),
            neo4j_database=retriever.settings.neo4j_database,
        )

    def retrieve(self, question: str) -> Retrieved:
        question = clean_question(question, max_chars=AnswerOptions().max_question_chars)
        began = perf_counter()
        result = self.peer.search(query_text=_lucene_safe(question), top_k=self.depth)
        ranked = [str(item.content) for item in result.items]
        found = fetch_passages(self.retriever.store, ranked)
        passages = [found[i] for i in ranked if i in found]
        return Retrieved(passages=passages, seconds=perf_counter() - began)


def _lucene_safe(question: str) -> str:
    """The question with Lucene's operators spaced out: the peer hands its text to the full-text index as a Lucene
    query, where a "?" or an unbalanced quote is syntax, not a word."""
    return " ".join(re.sub(r"[+\-&|!(){}\[\]^\"~*?:\\/]", " ", question).split())
