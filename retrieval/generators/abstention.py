"""Abstain or answer as one decision: a local model abstains only when abstaining is likelier than answering.

Greedy decoding compares the abstention's first token with each answer's first token one by one. The abstention
is one sentence, always spelt the same; the answers are spread over many first tokens (names, numbers, spellings).
So a model that gives the abstention 30% and the answer 70%, split over a few spellings, abstains.
:class:`AbstainWhenLikely` is a transformers ``LogitsProcessor`` that, at the first generated token, forbids the
abstention's first token unless the model gives it at least ``threshold`` (0.5: more than all answers together).
From the second token on, decoding is untouched.
"""

from __future__ import annotations

from typing import Any

from trellis.retrieval.generators.base import NOT_IN_GRAPH

__all__ = ["AbstainWhenLikely"]


class AbstainWhenLikely:
    """A ``LogitsProcessor``: the abstention may start only when its first token has ``threshold`` of the mass.

    ``prompt_length`` is where generation starts in ``input_ids`` (the same for every row of a left-padded batch).
    A threshold of 0 leaves decoding as it is."""

    def __init__(self, tokenizer: Any, *, prompt_length: int, threshold: float = 0.5) -> None:
        self.first = int(tokenizer.encode(NOT_IN_GRAPH, add_special_tokens=False)[0])
        self.prompt_length = prompt_length
        self.threshold = threshold

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if input_ids.shape[1] != self.prompt_length or self.threshold <= 0:
            return scores
        likely = torch.softmax(scores.float(), dim=-1)[:, self.first] >= self.threshold
        scores[~likely, self.first] = -float("inf")
        return scores
