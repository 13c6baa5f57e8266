"""Examples as token ids for a causal LM: the chat prompt (masked out of the loss) followed by the target answer.

The prompt is the model's chat template over the example's messages with the generation prompt added, which is
exactly what the generator feeds the model at query time; the loss sees only the answer and the end-of-turn token.
A prompt longer than the room left loses the end of its context (the last passages), never the system prompt, the
facts at the top of the context or the question: :func:`fitted_prompt_ids`. An answerable example whose answer
was in the part cut away is left out: its target reads the answer from a passage, and the model would learn to answer
from text it cannot see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from trellis.training.types import Example

__all__ = ["IGNORE", "EncodedExample", "collate", "encode_example", "fitted_prompt_ids", "prompt_ids"]

IGNORE = -100
"""Label of a token the loss ignores (the prompt, the padding)."""

EncodedExample = dict[str, list[int]]

_QUESTION = "\n\nQuestion:"
"""Where the user message's context ends (see ``retrieval.generators.prompts.user_prompt``)."""
_CUT = " …"
_MARGIN = 4
"""Tokens kept spare when a cut context is tokenized again (a cut can merge or split a token at its edge)."""
_NAMES = re.compile(r",\s*|\s+and\s+")
"""What joins the names of a list answer ("A, B and C")."""


def prompt_ids(tokenizer: Any, messages: Sequence[dict[str, str]]) -> list[int]:
    """The token ids of the chat prompt the model answers (template with the generation prompt)."""
    ids = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True)
    if isinstance(ids, dict) or hasattr(ids, "keys"):  # some tokenizers return a BatchEncoding
        ids = ids["input_ids"]
    return [int(i) for i in ids]


def fitted_prompt_ids(tokenizer: Any, messages: Sequence[dict[str, str]], room: int) -> list[int]:
    """The prompt's token ids in at most ``room`` tokens: the end of the context is cut (marked "…") when it is too
    long, so the system prompt, the facts (the context's top) and the question always stay. Only when even the
    context's removal would not do is the prompt cut from the left."""
    ids = prompt_ids(tokenizer, messages)
    if len(ids) <= room:
        return ids
    user = messages[-1]["content"]
    context, marker, question = user.rpartition(_QUESTION)
    body = tokenizer(context, add_special_tokens=False)["input_ids"] if marker else []
    keep = len(body) - (len(ids) - room) - _MARGIN
    if keep <= 0:
        return ids[-room:]
    cut = tokenizer.decode(body[:keep]).rstrip() + _CUT
    fitted = prompt_ids(tokenizer, [*messages[:-1], {**messages[-1], "content": cut + marker + question}])
    return fitted if len(fitted) <= room else fitted[-room:]


def _plain(text: str) -> str:
    """Lower-case words between single spaces (a tokenizer's decoding may change case and spacing)."""
    return " " + " ".join(re.sub(r"\W+", " ", text.lower()).split()) + " "


def _answer_shown(tokenizer: Any, example: Example, prompt: list[int]) -> bool:
    """Whether the (cut) prompt still shows every name of an answerable example's answer."""
    if not example.answerable or not example.answer:
        return True
    shown = _plain(tokenizer.decode(prompt))
    return all(_plain(name) in shown for name in _NAMES.split(example.answer) if _plain(name).strip())


def encode_example(tokenizer: Any, example: Example, *, max_length: int) -> EncodedExample | None:
    """Input ids and labels (prompt masked) of one example; None when even the answer alone does not fit, or when
    fitting the prompt cut away the passage its answer is read from."""
    answer = tokenizer(example.target, add_special_tokens=False)["input_ids"]
    end = tokenizer.eos_token_id
    answer = [*answer, end] if end is not None else answer
    room = max_length - len(answer)
    if room < 16:
        return None
    prompt = fitted_prompt_ids(tokenizer, example.messages, room)
    if not _answer_shown(tokenizer, example, prompt):
        return None
    return {"input_ids": prompt + answer, "labels": [IGNORE] * len(prompt) + answer}


def collate(batch: Sequence[EncodedExample], *, pad_id: int) -> dict[str, Any]:
    """Right-padded tensors of a batch: input ids, attention mask and labels (padding ignored by the loss)."""
    import torch

    width = max(len(item["input_ids"]) for item in batch)
    ids, mask, labels = [], [], []
    for item in batch:
        gap = width - len(item["input_ids"])
        ids.append(item["input_ids"] + [pad_id] * gap)
        mask.append([1] * len(item["input_ids"]) + [0] * gap)
        labels.append(item["labels"] + [IGNORE] * gap)
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask), "labels": torch.tensor(labels)}
