"""The models that flow through retrieval: linked entities, passages, facts, the subgraph, context and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

__all__ = [
    "DEFAULT_K",
    "DEFAULT_TOKEN_BUDGET",
    "Answer",
    "AnswerOptions",
    "Citation",
    "Context",
    "Evidence",
    "Fact",
    "GraphEdge",
    "GraphNode",
    "GraphPath",
    "LinkedEntity",
    "Passage",
    "Retrieval",
    "Subgraph",
]


class LinkedEntity(BaseModel):
    """A graph entity the question names, with how sure the link is (0..1) and which methods found it."""

    id: str
    name: str
    type: str
    score: float
    mention: str
    sources: list[str] = Field(default_factory=list)


class Passage(BaseModel):
    """A chunk as a candidate passage, with the scores each signal gave it (None: that signal did not find it)."""

    chunk_id: str
    document_id: str
    text: str = ""
    title: str | None = None
    section: str | None = None
    index: int | None = None
    dense: float | None = None
    fulltext: float | None = None
    ppr: float | None = None
    score: float = 0.0


class Evidence(BaseModel):
    """A chunk that supports a relation, and its document (a bare chunk id reads as one with no document)."""

    chunk_id: str
    document_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_chunk_id(cls, value: object) -> object:
        return {"chunk_id": value} if isinstance(value, str) else value


class Fact(BaseModel):
    """A typed relation of the graph with its provenance, as used to answer."""

    subject_id: str
    subject: str
    predicate: str
    object_id: str
    object: str
    subject_type: str | None = None
    object_type: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = Field(default_factory=list)
    score: float = 0.0
    phrase: str = ""
    """What the text said ("moved to" for a ``LIVED_IN``)."""

    @property
    def triple(self) -> str:
        """The fact as the context shows it: ``(Subject) -[PREDICATE]-> (Object)``."""
        return f"({self.subject}) -[{self.predicate}]-> ({self.object})"

    @property
    def chunk_ids(self) -> list[str]:
        """The ids of the chunks that support it."""
        return [evidence.chunk_id for evidence in self.evidence]


class GraphNode(BaseModel):
    """An entity or chunk of the subgraph; ``score`` is its personalized PageRank."""

    id: str
    kind: Literal["entity", "chunk"]
    name: str
    type: str | None = None
    score: float = 0.0


class GraphEdge(BaseModel):
    """A relation (or a chunk's mention of an entity) of the subgraph, with its evidence chunk ids."""

    source: str
    target: str
    type: str
    confidence: float | None = None
    evidence: list[str] = Field(default_factory=list)


class Subgraph(BaseModel):
    """Nodes and edges of the graph that an answer used."""

    nodes: list[GraphNode] = Field(default_factory=list)
    edges: list[GraphEdge] = Field(default_factory=list)


class GraphPath(BaseModel):
    """A shortest path between two question entities, over entity relations."""

    nodes: list[str]
    names: list[str]
    edges: list[GraphEdge]


class Retrieval(BaseModel):
    """Everything retrieval found for a question, ranked, with the time each stage took (seconds)."""

    question: str
    entities: list[LinkedEntity] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    paths: list[GraphPath] = Field(default_factory=list)
    subgraph: Subgraph = Field(default_factory=Subgraph)
    timings: dict[str, float] = Field(default_factory=dict)


class Citation(BaseModel):
    """A numbered source of a context: ``[number]`` in the text means this chunk of this document."""

    number: int
    chunk_id: str
    document_id: str | None = None
    title: str | None = None
    """The document's title, for people: "Albania", not only ``enwiki-738``."""
    section: str | None = None


class Context(BaseModel):
    """The text block a generator reads, with what each ``[n]`` cites and what made it in within the budget."""

    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    matching: int = 0
    """How many of the facts (the first ones) the question asks about (:mod:`retrieval.asked`)."""
    unnamed: list[str] = Field(default_factory=list)
    """The ends of those facts that the question does not name, in order, without repeats."""
    tokens: int = 0

    def number_of(self, chunk_id: str) -> int | None:
        """The citation number of a chunk, None when the context does not cite it."""
        return next((c.number for c in self.citations if c.chunk_id == chunk_id), None)

    def citation(self, number: int) -> Citation | None:
        """The citation ``[number]``, None when there is none."""
        return next((c for c in self.citations if c.number == number), None)


DEFAULT_K = 8
"""Passages an answer reads: enough for a bridge question's second passage (chosen on the prose dev split; the
figures are in docs/benchmarks.md)."""
DEFAULT_TOKEN_BUDGET = 1536
"""Context tokens an answer reads: enough that :data:`DEFAULT_K` passages, not the budget, set its size."""


class AnswerOptions(BaseModel):
    """How to answer: how many passages and facts, how far to expand, how much context, how long a question."""

    k: int = Field(default=DEFAULT_K, ge=1, le=100)
    hops: int = Field(default=2, ge=0, le=3)
    max_facts: int = Field(default=8, ge=0, le=100)
    token_budget: int = Field(default=DEFAULT_TOKEN_BUDGET, ge=32, le=32_768)
    max_question_chars: int = Field(default=2_000, ge=1)


class Answer(BaseModel):
    """An answer with its citations, the relations and subgraph it used, stage timings (seconds) and model."""

    question: str
    text: str
    answerable: bool
    model: str
    span: str | None = None
    """The short answer itself, when the generator tells it apart from its text."""
    citations: list[Citation] = Field(default_factory=list)
    chunk_ids: list[str] = Field(default_factory=list)
    document_ids: list[str] = Field(default_factory=list)
    relations: list[Fact] = Field(default_factory=list)
    subgraph: Subgraph = Field(default_factory=Subgraph)
    entities: list[LinkedEntity] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    score: float = 0.0
    context: str = ""
