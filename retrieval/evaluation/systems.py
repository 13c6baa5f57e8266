"""The retrieval systems compared in one run, all built on one :class:`~retrieval.retriever.Retriever`'s parts.

- ``dense``: the chunk FAISS index alone (the question's embedding, nearest chunks).
- ``fulltext``: Neo4j full-text search over chunk text alone.
- ``hybrid``: both fused by reciprocal rank fusion, no graph (the Retriever's own first stage).
- ``trellis``: the whole retrieval: entity linking, hybrid search, personalized PageRank over the graph, paths,
  ranking of passages and facts.
- ``bm25`` and ``peer-hybrid`` (:mod:`retrieval.evaluation.baselines`): Okapi BM25 over the same chunks, and
  neo4j-graphrag's ``HybridRetriever`` over the same Neo4j indexes.

Each returns its passages best first; the documents ranked are those of the passages in order (each document
once). A system answers from a context built by the one :func:`~retrieval.context.build_context` over its best
passages (and, for ``trellis``, its facts), so generators see every system the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter
from typing import Protocol

from pydantic import BaseModel, Field

from trellis.retrieval.context import build_context
from trellis.retrieval.evaluation.system_names import SYSTEM_NAMES
from trellis.retrieval.generators import Generation, Generator
from trellis.retrieval.questions import clean_question
from trellis.retrieval.retriever import Retriever
from trellis.retrieval.search import PassageSearch, fetch_passages
from trellis.retrieval.types import AnswerOptions, Context, Fact, LinkedEntity, Passage

__all__ = [
    "DenseSystem",
    "FulltextSystem",
    "GraphSystem",
    "HybridSystem",
    "RetrievalSystem",
    "Retrieved",
    "answer_context",
    "build_systems",
    "generate_answer",
]


class Retrieved(BaseModel):
    """What one system found for one question, best first, and how long it took (seconds)."""

    passages: list[Passage] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    entities: list[LinkedEntity] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def documents(self) -> list[str]:
        """The documents of the passages, best first, each once."""
        return list(dict.fromkeys(p.document_id for p in self.passages if p.document_id))


class RetrievalSystem(Protocol):
    """One way of retrieving passages for a question."""

    name: str

    def retrieve(self, question: str) -> Retrieved:
        """The passages (and facts, linked entities) for ``question``, best first."""
        ...


class _Base:
    name = ""

    def __init__(self, retriever: Retriever, *, depth: int) -> None:
        self.retriever = retriever
        self.depth = depth
        self.search = PassageSearch(store=retriever.store, index=retriever.chunk_index, candidates=depth)

    def retrieve(self, question: str) -> Retrieved:
        question = clean_question(question, max_chars=AnswerOptions().max_question_chars)
        began = perf_counter()
        passages = self._passages(question)
        return Retrieved(passages=passages, seconds=perf_counter() - began)

    def _passages(self, question: str) -> list[Passage]:
        raise NotImplementedError

    def _ordered(self, ids: Sequence[str]) -> list[Passage]:
        found = fetch_passages(self.retriever.store, ids)
        return [found[i] for i in ids if i in found]


class DenseSystem(_Base):
    """Dense-only: the nearest chunks to the question's embedding in the FAISS index."""

    name = "dense"

    def _passages(self, question: str) -> list[Passage]:
        vector = self.retriever.embedder.embed([question])[0]
        return self._ordered([chunk_id for chunk_id, _ in self.search.dense(vector)])


class FulltextSystem(_Base):
    """Full-text only: Neo4j's Lucene index over chunk text."""

    name = "fulltext"

    def _passages(self, question: str) -> list[Passage]:
        return self._ordered([chunk_id for chunk_id, _ in self.search.fulltext(question)])


class HybridSystem(_Base):
    """Vector and full-text search fused by reciprocal rank fusion, without the graph."""

    name = "hybrid"

    def _passages(self, question: str) -> list[Passage]:
        vector = self.retriever.embedder.embed([question])[0]
        return self.search.run(question, vector)


class GraphSystem:
    """The whole Trellis retrieval (:meth:`Retriever.retrieve`), asked for ``depth`` passages."""

    name = "trellis"

    def __init__(self, retriever: Retriever, *, depth: int, hops: int = 2) -> None:
        self.retriever = retriever
        self.options = AnswerOptions(k=depth, hops=hops)

    def retrieve(self, question: str) -> Retrieved:
        began = perf_counter()
        found = self.retriever.retrieve(question, options=self.options)
        return Retrieved(
            passages=found.passages, facts=found.facts, entities=found.entities, seconds=perf_counter() - began
        )


def build_systems(
    retriever: Retriever, *, depth: int = 20, names: Sequence[str] = SYSTEM_NAMES
) -> list[RetrievalSystem]:
    """The named systems over one retriever, each retrieving ``depth`` passages."""
    from trellis.retrieval.evaluation.baselines import BM25System, PeerHybridSystem  # they import this module

    makers: dict[str, type[_Base] | type[GraphSystem] | type[BM25System] | type[PeerHybridSystem]] = {
        "dense": DenseSystem,
        "fulltext": FulltextSystem,
        "hybrid": HybridSystem,
        "trellis": GraphSystem,
        "bm25": BM25System,
        "peer-hybrid": PeerHybridSystem,
    }
    unknown = [name for name in names if name not in makers]
    if unknown:
        raise ValueError(f"unknown systems {unknown}; choose from {list(makers)}")
    return [makers[name](retriever, depth=depth) for name in names]


def answer_context(retriever: Retriever, question: str, found: Retrieved, *, options: AnswerOptions) -> Context:
    """The context a generator answers from: the system's ``options.k`` best passages and its facts."""
    return build_context(
        question,
        found.passages[: options.k],
        found.facts[: options.max_facts],
        token_budget=options.token_budget,
        count_tokens=retriever.embedder.count_tokens,
    )


def generate_answer(
    retriever: Retriever, generator: Generator, question: str, found: Retrieved, *, options: AnswerOptions
) -> Generation:
    """The generator's answer from a context of the system's ``options.k`` best passages and its facts, behind the
    retriever's answerability gate (as :meth:`Retriever.answer` does)."""
    context = answer_context(retriever, question, found, options=options)
    if generator is not retriever.generator:
        gated = retriever.gate.check(question, context, entities=found.entities)
        return gated or generator.generate(question, context, entities=found.entities)
    return retriever.generate(question, context, entities=found.entities)
