"""The logits processors of a local model's answer, the same at query time and in ``trellis train evaluate``.

Abstention as one decision first (:mod:`retrieval.generators.abstention`), then the citation constraint
(:mod:`retrieval.generators.constrained`) for the rows that have fact lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trellis.retrieval.generators.abstention import AbstainWhenLikely
from trellis.retrieval.generators.constrained import FactCitationConstraint, fact_lines

__all__ = ["answer_processors"]


def answer_processors(
    tokenizer: Any,
    contexts: Sequence[str],
    *,
    prompt_length: int,
    abstain_threshold: float,
    constrain_citations: bool = True,
) -> Any:
    """A ``LogitsProcessorList`` for a left-padded batch, one context text per row."""
    from transformers import LogitsProcessorList

    processors: list[Any] = [AbstainWhenLikely(tokenizer, prompt_length=prompt_length, threshold=abstain_threshold)]
    facts = [fact_lines(text) for text in contexts] if constrain_citations else []
    if any(facts):
        processors.append(FactCitationConstraint(tokenizer, facts, prompt_length=prompt_length))
    return LogitsProcessorList(processors)
