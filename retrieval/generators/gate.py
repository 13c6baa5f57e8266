"""The answerability gate in front of a language-model generator: the model decides whether to abstain.

A language model reads the whole context, with the context's own signals of whether it answers the question (the
"Facts matching the question" line, and the ends of those facts the question does not name, see
:mod:`retrieval.generators.prompts`), and says :data:`NOT_IN_GRAPH` itself when it finds no answer there; a local
model abstains as one decision over all its answers (:mod:`retrieval.generators.abstention`, its threshold
``TRELLIS_LLM_ABSTAIN_THRESHOLD``). The extractive generator's decision must not be the model's: its threshold wants
a sentence naming a question entity, and a passage that answers without naming it ("The official language is
Catalan" in Andorra's article) would never reach the model.

The gate stops only a context that holds nothing about the question: no citation at all, or an extractive support of
at most ``floor`` (the default, 0, is no support at all: none of the question's names in the context, or nothing in
it that matches the question). That floor was calibrated on the prose dev split (``docs/training.md`` says how); None
asks the model whatever the support. The extractive generator is its own gate and never passes through this one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from trellis.retrieval.generators.base import NOT_IN_GRAPH, Generation
from trellis.retrieval.generators.extractive import ExtractiveGenerator
from trellis.retrieval.types import Context, LinkedEntity

__all__ = ["NO_SUPPORT", "AnswerabilityGate"]

logger = logging.getLogger(__name__)

NO_SUPPORT = 0.0
"""The default floor: a model is not asked only where the extractive reading finds no support at all."""


class AnswerabilityGate:
    """Lets a question through to a language model unless the context holds nothing about it."""

    def __init__(self, *, floor: float | None = NO_SUPPORT, support: ExtractiveGenerator | None = None) -> None:
        """``floor``: the extractive support a context must exceed before a model is asked (None: no floor);
        ``support``: the extractive generator that measures it."""
        self.floor = floor
        self._support = support

    def check(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation | None:
        """None when the model should answer, else the "not in the graph" answer to give instead."""
        if not context.citations:
            logger.info("not in the graph (the context cites nothing): %s", question)
            return Generation(text=NOT_IN_GRAPH, answerable=False)
        if self.floor is None:
            return None
        if self._support is None:
            self._support = ExtractiveGenerator()
        support = self._support.generate(question, context, entities=entities)
        if support.score > self.floor:
            return None
        logger.info("not in the graph (support %.2f <= %.2f): %s", support.score, self.floor, question)
        return Generation(text=NOT_IN_GRAPH, answerable=False, score=support.score)
