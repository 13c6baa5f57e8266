"""The prompt of the language-model generators, shared with training (examples are built with :func:`chat_messages`).

Kept short and plain for a 135M-parameter model: answer from the numbered context only, cite ``[n]``, and say the
:data:`NOT_IN_GRAPH` sentence when the context does not hold the answer. Deterministic: the same question and
context always give the same messages.
"""

from __future__ import annotations

import re

from trellis.retrieval.context import MATCHING
from trellis.retrieval.generators.base import NOT_IN_GRAPH
from trellis.retrieval.types import Context

__all__ = [
    "MIN_CONTEXT",
    "PROMPT_RESERVE",
    "SYSTEM_PROMPT",
    "chat_messages",
    "context_room",
    "is_abstention",
    "parse_citations",
    "user_prompt",
]

SYSTEM_PROMPT = (
    "Answer the question using only the numbered context. "
    "Give a short answer and cite the sources you used as [n]. "
    f"If the context does not contain the answer, reply exactly: {NOT_IN_GRAPH}"
)
"""The system message: what the model may use, how to cite, and how to abstain."""

PROMPT_RESERVE = 384
"""Tokens of the instructions and the question around the context, with the drift between the embedder's tokenizer
(which counts the context) and the model's."""
MIN_CONTEXT = 64
"""The least context a prompt carries, however small the window."""
_MARK = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_ABSTAIN = "not in the graph"
_LIST_MARK = re.compile(r"^(?:\d+[.)]|[-*•])\s+")
"""A list marker a small model sometimes puts first ("1. Not in the graph ...")."""


def user_prompt(question: str, context: Context) -> str:
    """The user message: the context block, the question, and how many facts match it (the context says so at its
    top too; said again last, next to where the answer starts, a small model heeds it), with the ends of those facts
    that the question does not name (a small model otherwise answers with the end the question names)."""
    body = context.text.strip() or "(empty)"
    matching = f"{MATCHING} {context.matching or 'none'}"
    if context.matching and context.unnamed:
        matching += f" (not named in the question: {'; '.join(context.unnamed)})"
    return f"Context:\n{body}\n\nQuestion: {' '.join(question.split())}\n{matching}"


def context_room(window: int, max_new_tokens: int) -> int:
    """The most context tokens a prompt can carry in a model's ``window``, its answer's ``max_new_tokens`` kept free
    (the instructions, the question and the drift between tokenizers take :data:`PROMPT_RESERVE`)."""
    return max(MIN_CONTEXT, window - max_new_tokens - PROMPT_RESERVE)


def chat_messages(question: str, context: Context) -> list[dict[str, str]]:
    """The chat messages (system, user) that ask ``question`` over ``context``."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user_prompt(question, context)},
    ]


def parse_citations(text: str, context: Context) -> list[int]:
    """The context numbers ``text`` cites as ``[n]`` (or ``[n, m]``), sorted, without numbers the context lacks."""
    known = {c.number for c in context.citations}
    found = {int(n) for group in _MARK.findall(text) for n in group.split(",")}
    return sorted(found & known)


def is_abstention(text: str) -> bool:
    """True when ``text`` says the graph does not hold the answer (the NOT_IN_GRAPH sentence or its opening)."""
    cleaned = _LIST_MARK.sub("", text.strip()).strip("\"'*`").strip()
    return cleaned == NOT_IN_GRAPH or cleaned.lower().startswith(_ABSTAIN)
