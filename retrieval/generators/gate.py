"""The answerability gate: before any generator runs, does the context hold an answer at all?

A small language model does not abstain reliably; it invents. So every generator sits behind one check, made on
the structured context rather than by a model: the support the extractive generator finds (a fact touching a
question entity, a chain of two, or a sentence naming one, covering enough of the question's content words). No
support, no generation: the answer is :data:`NOT_IN_GRAPH`, the same for every generator.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from retrieval.generators.base import NOT_IN_GRAPH, Generation
from retrieval.generators.extractive import ExtractiveGenerator
from retrieval.types import Context, LinkedEntity

__all__ = ["AnswerabilityGate"]

logger = logging.getLogger(__name__)


class AnswerabilityGate:
    """Lets a question through to the generator only when the context supports an answer."""

    def __init__(self, *, threshold: float | None = None, support: ExtractiveGenerator | None = None) -> None:
        self._support = support or ExtractiveGenerator()
        if threshold is not None:
            self._support.threshold = threshold
        self.threshold = self._support.threshold

    def check(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation | None:
        """None when the context supports an answer, else the "not in the graph" answer to give instead."""
        support = self._support.generate(question, context, entities=entities)
        if support.answerable:
            return None
        logger.info("not in the graph (support %.2f < %.2f): %s", support.score, self.threshold, question)
        return Generation(text=NOT_IN_GRAPH, answerable=False, score=support.score)
