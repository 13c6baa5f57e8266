"""Abstention as one decision: the abstention may start only when the model gives it the threshold's share."""

from __future__ import annotations

import math
from typing import Any

import pytest

from trellis.retrieval.generators import NOT_IN_GRAPH
from trellis.retrieval.generators.abstention import AbstainWhenLikely


def _scores(tokenizer: Any, abstain: float, answers: list[str]) -> Any:
    """Scores giving the abstention's first token the share ``abstain`` and the answers' first tokens the rest."""
    import torch

    scores = torch.full((1, len(tokenizer)), -1e4)
    first = tokenizer.encode(NOT_IN_GRAPH, add_special_tokens=False)[0]
    scores[0, first] = math.log(abstain)
    for answer in answers:
        scores[0, tokenizer.encode(answer, add_special_tokens=False)[0]] = math.log((1 - abstain) / len(answers))
    return scores, first


def test_an_abstention_that_beats_each_answer_but_not_all_of_them_is_not_chosen(causal_lm: tuple[Any, Any]) -> None:
    import torch

    _, tokenizer = causal_lm
    scores, first = _scores(tokenizer, 0.3, ["Tirana", "Durrës", "Shkodër"])  # 0.3 against 0.233 each
    assert int(scores.argmax()) == first  # plain greedy decoding would abstain
    prompt = torch.zeros((1, 7), dtype=torch.long)
    chosen = AbstainWhenLikely(tokenizer, prompt_length=7)(prompt, scores.clone()).argmax()
    answers = {tokenizer.encode(a, add_special_tokens=False)[0] for a in ("Tirana", "Durrës", "Shkodër")}
    assert int(chosen) != first and int(chosen) in answers


@pytest.mark.parametrize("share", [0.55, 0.8])
def test_a_likely_abstention_is_kept(causal_lm: tuple[Any, Any], share: float) -> None:
    import torch

    _, tokenizer = causal_lm
    scores, first = _scores(tokenizer, share, ["Tirana"])
    prompt = torch.zeros((1, 7), dtype=torch.long)
    assert int(AbstainWhenLikely(tokenizer, prompt_length=7)(prompt, scores.clone()).argmax()) == first


def test_only_the_first_token_is_touched_and_a_zero_threshold_is_greedy(causal_lm: tuple[Any, Any]) -> None:
    import torch

    _, tokenizer = causal_lm
    scores, _ = _scores(tokenizer, 0.3, ["Tirana", "Durrës", "Shkodër"])
    later = AbstainWhenLikely(tokenizer, prompt_length=5)(torch.zeros((1, 7), dtype=torch.long), scores.clone())
    greedy = AbstainWhenLikely(tokenizer, prompt_length=7, threshold=0)(torch.zeros((1, 7)), scores.clone())
    assert torch.equal(later, scores) and torch.equal(greedy, scores)


def test_each_row_of_a_batch_decides_alone(causal_lm: tuple[Any, Any]) -> None:
    import torch

    _, tokenizer = causal_lm
    low, first = _scores(tokenizer, 0.2, ["Tirana", "Durrës"])
    high, _ = _scores(tokenizer, 0.7, ["Tirana"])
    chosen = AbstainWhenLikely(tokenizer, prompt_length=3)(torch.zeros((2, 3)), torch.cat([low, high])).argmax(-1)
    assert int(chosen[0]) != first and int(chosen[1]) == first
