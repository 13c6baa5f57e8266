"""Fitting a prompt into the room a training example or an evaluation leaves: the context's end goes first."""

from __future__ import annotations

from pathlib import Path

from trellis.retrieval.generators.prompts import SYSTEM_PROMPT
from trellis.training.encoding import encode_example, fitted_prompt_ids, prompt_ids
from trellis.training.types import Example

FACT = "(Tirana) -[CAPITAL_OF]-> (Albania) [1]"
QUESTION = "What is the capital of Albania?"


def _messages(passage_words: int) -> list[dict[str, str]]:
    passage = " ".join(f"word{i % 50}" for i in range(passage_words))
    user = f"Context:\nFacts:\n{FACT}\nPassages:\n[1] Albania: {passage}\n\nQuestion: {QUESTION}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _tokenizer(tiny_model: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_model))


def test_a_prompt_that_fits_is_unchanged(tiny_model: Path) -> None:
    tokenizer = _tokenizer(tiny_model)
    messages = _messages(20)
    whole = prompt_ids(tokenizer, messages)
    assert fitted_prompt_ids(tokenizer, messages, len(whole)) == whole


def test_a_long_prompt_loses_the_end_of_its_context_not_the_system_prompt_facts_or_question(tiny_model: Path) -> None:
    tokenizer = _tokenizer(tiny_model)
    messages = _messages(400)
    whole = prompt_ids(tokenizer, messages)
    room = len(whole) // 2
    fitted = fitted_prompt_ids(tokenizer, messages, room)
    assert len(fitted) <= room
    text = tokenizer.decode(fitted)
    for kept in (SYSTEM_PROMPT, FACT, QUESTION):
        assert tokenizer.decode(tokenizer(kept, add_special_tokens=False)["input_ids"]) in text
    assert fitted[:10] == whole[:10]  # the start (template, system prompt) is the same
    assert fitted[-10:] == whole[-10:]  # and so is the end (question, generation prompt)


def test_training_examples_keep_their_facts_when_cut(tiny_model: Path) -> None:
    tokenizer = _tokenizer(tiny_model)
    messages = _messages(400)
    example = Example(
        id="x", kind="single_hop", predicate="CAPITAL_OF", question=QUESTION, answer="Tirana",
        target="Tirana [1]", messages=messages, context=messages[1]["content"], anchor="Albania",
    )  # fmt: skip
    encoded = encode_example(tokenizer, example, max_length=200)
    assert encoded is not None and len(encoded["input_ids"]) <= 200
    prompt = [i for i, label in zip(encoded["input_ids"], encoded["labels"], strict=True) if label == -100]
    fact = tokenizer.decode(tokenizer(FACT, add_special_tokens=False)["input_ids"])
    assert fact in tokenizer.decode(prompt)


def test_an_answer_in_the_part_cut_away_is_left_out(tiny_model: Path) -> None:
    """The target reads its answer from a passage: a prompt cut before that passage would teach a guess."""
    tokenizer = _tokenizer(tiny_model)
    filler = " ".join(f"word{i % 50}" for i in range(400))
    user = f"Context:\nPassages:\n[1] Albania: {filler}\n[2] Albania: The capital is Tirana.\n\nQuestion: {QUESTION}"
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]
    example = Example(
        id="x", kind="single_hop", predicate="CAPITAL_OF", question=QUESTION, answer="Tirana", target="Tirana [2]",
        messages=messages, context=user, citations=[2], anchor="Albania",
    )  # fmt: skip
    assert encode_example(tokenizer, example, max_length=200) is None
    assert encode_example(tokenizer, example, max_length=2_000) is not None
    unanswerable = example.model_copy(update={"kind": "unanswerable", "answer": "", "target": "Not in the graph."})
    assert encode_example(tokenizer, unanswerable, max_length=200) is not None
