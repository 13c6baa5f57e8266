"""Turning a language model's text into a cited answer: its ``[n]`` marks, or the passages that hold its words.

A small model often forgets to cite. Its answer then cites the passages whose text contains the answer span (the
answer, or what follows its last colon, e.g. "The answer is: Tirana."), else the top passage of the context, and
the marks are appended to the text so a reader sees them. An answer that says "not in the graph" is an abstention.
"""

from __future__ import annotations

import re

from trellis.retrieval.generators.base import NOT_IN_GRAPH, Generation
from trellis.retrieval.generators.prompts import is_abstention, parse_citations
from trellis.retrieval.types import Context, Fact

__all__ = ["ground", "span_citations"]

_MARKS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_EDGES = " \t\n\"'`*.,;:!?()"


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _spans(text: str) -> list[str]:
    """The answer and, when it has a lead-in ("The answer is: ..."), what follows the lead-in."""
    plain = _MARKS.sub("", text).strip(_EDGES)
    spans = [plain]
    if ":" in plain:
        spans.append(plain.rsplit(":", 1)[1].strip(_EDGES))
    return [_normal(span) for span in spans if len(span) >= 2]


def span_citations(text: str, context: Context) -> list[int]:
    """The numbers of the context passages that contain the answer span; empty when none does."""
    for span in _spans(text):
        numbers = {
            number
            for passage in context.passages
            if span in _normal(f"{passage.title or ''} {passage.text}")
            and (number := context.number_of(passage.chunk_id)) is not None
        }
        if numbers:
            return sorted(numbers)
    return []


def _top(context: Context) -> list[int]:
    if context.passages and (number := context.number_of(context.passages[0].chunk_id)) is not None:
        return [number]
    return [context.citations[0].number] if context.citations else []


def _facts_used(text: str, context: Context, citations: list[int]) -> list[Fact]:
    """Facts of the context whose evidence is cited and whose subject or object the answer names."""
    said = _normal(text)
    cited = set(citations)
    used = []
    for fact in context.facts:
        numbers = {context.number_of(e.chunk_id) for e in fact.evidence}
        if numbers & cited and (_normal(fact.subject) in said or _normal(fact.object) in said):
            used.append(fact)
    return used


def ground(text: str, context: Context) -> Generation:
    """The cited answer that a model's ``text`` makes over ``context`` (an abstention when it says so)."""
    answer = text.strip()
    if not answer or is_abstention(answer) or not context.citations:
        return Generation(text=NOT_IN_GRAPH, answerable=False)
    citations = parse_citations(answer, context)
    if not citations:
        citations = span_citations(answer, context) or _top(context)
        answer = f"{_MARKS.sub('', answer).rstrip()} {''.join(f'[{n}]' for n in citations)}"
    return Generation(text=answer, answerable=True, citations=citations, facts=_facts_used(answer, context, citations))
