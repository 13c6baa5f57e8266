"""Trellis retrieval: entity linking, hybrid search, graph expansion, ranking, cited context and generation.

``answer(question)`` is the entry point; ``build_context`` is the one context format, shared with training.
"""

from trellis.retrieval.answer import Retriever, answer, retrieve
from trellis.retrieval.context import build_context
from trellis.retrieval.errors import EmptyQuestionError, QuestionTooLongError, RetrievalError
from trellis.retrieval.generators import (
    NOT_IN_GRAPH,
    ExtractiveGenerator,
    Generation,
    Generator,
    StreamingGenerator,
    make_generator,
)
from trellis.retrieval.types import (
    Answer,
    AnswerOptions,
    Citation,
    Context,
    Evidence,
    Fact,
    GraphEdge,
    GraphNode,
    GraphPath,
    LinkedEntity,
    Passage,
    Retrieval,
    Subgraph,
)

__all__ = [
    "NOT_IN_GRAPH",
    "Answer",
    "AnswerOptions",
    "Citation",
    "Context",
    "EmptyQuestionError",
    "Evidence",
    "ExtractiveGenerator",
    "Fact",
    "Generation",
    "Generator",
    "GraphEdge",
    "GraphNode",
    "GraphPath",
    "LinkedEntity",
    "Passage",
    "QuestionTooLongError",
    "Retrieval",
    "RetrievalError",
    "Retriever",
    "StreamingGenerator",
    "Subgraph",
    "answer",
    "build_context",
    "make_generator",
    "retrieve",
]
