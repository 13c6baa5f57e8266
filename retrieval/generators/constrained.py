"""Constrained citation decoding: a relation a local model cites is always one of its context's facts.

The answers a fine-tuned model writes cite relations as the context shows them (``Tirana. (Tirana) -[CAPITAL_OF]->
(Albania) [1]``). A small model copies such a line imperfectly: a neighbouring fact's object, a predicate that the
graph does not hold. :class:`FactCitationConstraint` is a transformers ``LogitsProcessor`` that lets the model write
whatever it wants *until* it opens a parenthesis; from there on, until the line is complete, only tokens that keep
the text a prefix of one of the context's fact lines are allowed. The model still chooses whether to cite and which
fact; it can no longer invent one. Free text is untouched, except that a token may not open a parenthesis that no
fact line continues (``(`` followed by anything but a fact's subject).

The answer comes before its citations (``Tirana. (Tirana) -[CAPITAL_OF]-> (Albania) [1]``), so the first relation
cited is, when some fact line holds the answer's words, one of those lines: a small model that found the answer
otherwise often cites a neighbouring fact. Later citations (the first hop of a two-hop answer) may be any fact.

Tokens are matched by their decoded strings, so any tokenizer works. A fact whose name the tokenizer can only spell
in partial bytes (no token decodes to its next characters) frees the model rather than block it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["FactCitationConstraint", "fact_lines"]

_FACT_LINE = re.compile(r"^\([^()\n]+\) -\[[A-Za-z0-9_]+\]-> \([^()\n]+\)(?: (?:\[\d+\])+)?$", re.MULTILINE)
_OPEN = "("


def fact_lines(context_text: str) -> list[str]:
    """The fact lines of a context block (``(Subject) -[PREDICATE]-> (Object) [n]``, or ``[1][2]`` for a fact that
    several passages support), in order, without repeats."""
    return list(dict.fromkeys(match.group(0) for match in _FACT_LINE.finditer(context_text)))


class _Vocabulary:
    """The decoded string of every token id, and the ids by string (built once per tokenizer)."""

    def __init__(self, tokenizer: Any) -> None:
        size = len(tokenizer)
        self.strings = [tokenizer.decode([i]) for i in range(size)]
        self.by_string: dict[str, list[int]] = {}
        for token_id, text in enumerate(self.strings):
            if text:
                self.by_string.setdefault(text, []).append(token_id)
        self.longest = max((len(text) for text in self.by_string), default=1)
        self.opening = [i for i, text in enumerate(self.strings) if _OPEN in text]


@lru_cache(maxsize=4)
def _vocabulary(tokenizer: Any) -> _Vocabulary:
    return _Vocabulary(tokenizer)


def _answer_lines(written: str, lines: Sequence[str]) -> Sequence[str]:
    """The lines the first citation may be (opened already or opened next): those holding the answer written
    before it, when any do."""
    start = written.find(_OPEN)
    if start >= 0 and any(written[start:].startswith(line) for line in lines):
        return lines  # the first citation is complete
    answer = " ".join((written if start < 0 else written[:start]).strip().rstrip(".").split()).lower()
    holding = [line for line in lines if answer and answer in line.lower()]
    return holding or lines


def _open_line(text: str, lines: Sequence[str]) -> str | None:
    """The unfinished fact line ``text`` ends in (its written part), or None when ``text`` is free."""
    position = 0
    while (start := text.find(_OPEN, position)) >= 0:
        tail = text[start:]
        complete = next((line for line in lines if tail.startswith(line)), None)
        if complete is not None:
            position = start + len(complete)
            continue
        if any(line.startswith(tail) for line in lines):
            return tail
        position = start + 1  # a parenthesis that no fact continues (written before the constraint applied)
    return None


class FactCitationConstraint:
    """A ``LogitsProcessor``: inside a cited relation, only continuations of the row's context facts are allowed.

    ``facts[row]`` are the fact lines of row ``row``'s context; ``prompt_length`` is where generation starts in
    ``input_ids`` (the same for every row of a left-padded batch)."""

    def __init__(self, tokenizer: Any, facts: Sequence[Sequence[str]], *, prompt_length: int) -> None:
        self.tokenizer = tokenizer
        self.facts = [list(lines) for lines in facts]
        self.prompt_length = prompt_length
        self.vocabulary = _vocabulary(tokenizer)
        self._forbidden: dict[tuple[str, ...], list[int]] = {}

    def allowed(self, written: str, lines: Sequence[str]) -> list[int] | None:
        """The token ids allowed after ``written`` (None: any token)."""
        partial = _open_line(written, lines)
        if partial is None:
            return None
        allowed: set[int] = set()
        for line in lines:
            if not line.startswith(partial):
                continue
            rest = line[len(partial) :]
            for size in range(1, min(len(rest), self.vocabulary.longest) + 1):
                allowed.update(self.vocabulary.by_string.get(rest[:size], ()))
        return sorted(allowed) if allowed else None

    def forbidden_openings(self, lines: Sequence[str]) -> list[int]:
        """Free-text tokens that would open a parenthesis no fact line continues."""
        bad = []
        for token_id in self.vocabulary.opening:
            piece = self.vocabulary.strings[token_id]
            tail = piece[piece.rfind(_OPEN) :]
            if not any(line.startswith(tail) or tail.startswith(line) for line in lines):
                bad.append(token_id)
        return bad

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        for row, lines in enumerate(self.facts):
            if not lines:
                continue
            written = self.tokenizer.decode(input_ids[row, self.prompt_length :], skip_special_tokens=True)
            candidates = tuple(_answer_lines(written, lines))
            allowed = self.allowed(written, candidates)
            if allowed is None:  # free text: a token may open only a parenthesis that a candidate line continues
                if candidates not in self._forbidden:
                    self._forbidden[candidates] = self.forbidden_openings(candidates)
                bad = self._forbidden[candidates]
                if bad:
                    scores[row, bad] = -float("inf")
                continue
            keep = torch.full_like(scores[row], -float("inf"))
            keep[allowed] = scores[row, allowed]
            scores[row] = keep
        return scores
