"""Trellis retrieval: entity linking, hybrid search, graph expansion, ranking, cited context and generation.

``answer(question)`` is the entry point; ``build_context`` is the one context format, shared with training.

The names load on first use: a module that needs only the types (``trellis.retrieval.types``) or a question's
cleaning does not load spaCy and the models' libraries with the retriever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trellis.kg.lazy import lazy_names

if TYPE_CHECKING:
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
    from trellis.retrieval.retriever import Retriever, answer, retrieve
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

_HOMES = (
    "trellis.retrieval.types",
    "trellis.retrieval.errors",
    "trellis.retrieval.context",
    "trellis.retrieval.generators",
    "trellis.retrieval.retriever",
)
"""Where the public names live, the lightest first: a name is looked up in each until one holds it."""


__getattr__, __dir__ = lazy_names(__name__, __all__, _HOMES)
