"""Constrained citation decoding: whatever the model's scores, a relation it opens is one of the context's facts."""

from __future__ import annotations

from typing import Any

import pytest

from trellis.retrieval.generators.constrained import FactCitationConstraint, fact_lines

CONTEXT = """Facts:
(Tirana) -[CAPITAL_OF]-> (Albania) [1]
(Skopje) -[CAPITAL_OF]-> (North Macedonia) [2][3]
(Mother Teresa) -[BORN_IN]-> (Skopje) [2]
Passages:
[1] Albania: Tirana (population 418,495) is the capital of Albania.
[2] North Macedonia: Skopje is its capital. A line (with parentheses) in a passage is not a fact."""


def test_fact_lines_are_the_contexts_relations_only() -> None:
    assert fact_lines(CONTEXT) == [
        "(Tirana) -[CAPITAL_OF]-> (Albania) [1]",
        "(Skopje) -[CAPITAL_OF]-> (North Macedonia) [2][3]",
        "(Mother Teresa) -[BORN_IN]-> (Skopje) [2]",
    ]
    assert fact_lines("Passages:\n[1] nothing (here)") == []


def _decode_greedily(tokenizer: Any, constraint: FactCitationConstraint, start: str, steps: int, seed: int) -> str:
    """Generation with random scores (a model that would write anything) under the constraint."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    ids = tokenizer(start, add_special_tokens=False, return_tensors="pt")["input_ids"]
    for _ in range(steps):
        scores = torch.randn((1, len(tokenizer)), generator=generator)
        scores = constraint(ids, scores)
        ids = torch.cat([ids, scores.argmax(dim=-1, keepdim=True)], dim=1)
    return tokenizer.decode(ids[0], skip_special_tokens=True)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_an_opened_relation_is_completed_as_one_of_the_facts(causal_lm: tuple[Any, Any], seed: int) -> None:
    _, tokenizer = causal_lm
    lines = fact_lines(CONTEXT)
    constraint = FactCitationConstraint(tokenizer, [lines], prompt_length=0)
    text = _decode_greedily(tokenizer, constraint, "Tirana. (", steps=80, seed=seed)
    cited = text[len("Tirana. ") :]
    assert any(cited.startswith(line) for line in lines), text


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_first_citation_holds_the_answer_when_a_fact_does(causal_lm: tuple[Any, Any], seed: int) -> None:
    _, tokenizer = causal_lm
    lines = fact_lines(CONTEXT)
    constraint = FactCitationConstraint(tokenizer, [lines], prompt_length=0)
    for start in ("Mother Teresa. (", "Mother Teresa."):  # opened already, or opened by the next token
        text = _decode_greedily(tokenizer, constraint, start, steps=60, seed=seed)
        assert "(Mother Teresa) -[BORN_IN]-> (Skopje) [2]" in text or "(" not in text, text
        assert "(" not in text or text[text.index("(") :].startswith("(Mother Teresa) -[BORN_IN]->"), text
    anything = _decode_greedily(tokenizer, constraint, "Kolkata. (", steps=60, seed=seed)
    assert any(anything[len("Kolkata. ") :].startswith(line) for line in lines), "no fact holds it: any fact"


def test_without_facts_nothing_is_constrained(causal_lm: tuple[Any, Any]) -> None:
    import torch

    _, tokenizer = causal_lm
    constraint = FactCitationConstraint(tokenizer, [[]], prompt_length=0)
    scores = torch.randn((1, len(tokenizer)))
    ids = tokenizer("Tirana. (", add_special_tokens=False, return_tensors="pt")["input_ids"]
    assert torch.equal(constraint(ids, scores.clone()), scores)


def _uncited(text: str, lines: list[str]) -> str:
    """The text without its complete fact lines."""
    for line in lines:
        text = text.replace(line, "")
    return text


def test_the_local_generator_cites_only_context_facts(causal_lm: tuple[Any, Any]) -> None:
    from trellis.kg.settings import Settings
    from trellis.retrieval.generators.local_lm import LocalLMGenerator
    from trellis.retrieval.types import Context

    model, tokenizer = causal_lm
    generator = LocalLMGenerator(Settings(llm_max_new_tokens=48), model=model, tokenizer=tokenizer, label="base")
    assert generator.constrain_citations
    question = "What is the capital of Albania? Answer, then quote the fact you used."
    text = "".join(generator.stream(question, Context(question=question, text=CONTEXT)))
    lines = fact_lines(CONTEXT)
    rest = _uncited(text, lines)
    if "(" in rest:  # only an unfinished fact, cut by the token limit, may remain
        tail = rest[rest.index("(") :]
        assert any(line.startswith(tail) for line in lines), text
