"""Whether a candidate stands where the question's own question word would: the question's cosine with the
candidate's sentence when the candidate is replaced by that word ("Tirana is the capital of Albania" read as "what
is the capital of Albania" for "What is the capital of Albania?"), against its cosine with the sentence as written.

A sentence about the right thing holds many candidates; the one in the slot the question asks about turns the
sentence into a paraphrase of the question, and the others do not ("Tirana is the capital of what"). The sentence
embedder scores paraphrases, so the gain is evidence of the candidate's role that no rule over the parse has to
spell out. It is the feature ``slot_gain`` of :data:`~retrieval.generators.candidates.FEATURES`, weighed by the
span ranker with the others (fitted on the dev split).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from trellis.retrieval.generators.candidates import Candidate
from trellis.retrieval.generators.spans import Embed, SentenceMatch, read_in_setting

__all__ = ["SLOTTED_SENTENCES", "question_word", "with_slots"]

SLOTTED_SENTENCES = 4
"""Candidates of this many best-matching sentences are read in their slot. Each reading is a text to embed; the
answer is seldom further down (how many was chosen on the dev split: ``docs/benchmarks.md``)."""
_SCALE = 10.0
"""The gain in cosine is a few hundredths: scaled to the order of the ranker's other features, so that its
regularisation weighs it alike."""
_ASKING = re.compile(
    r"\b(how (?:many|much|long|old|far|tall|high|large|big|deep)|what|which|who|whom|whose|when|where)\b(?:\s+(\w+))?",
    re.IGNORECASE,
)
_NOT_THE_NOUN = frozenset(
    {"is", "are", "was", "were", "be", "been", "did", "does", "do", "has", "have", "had", "can", "could", "will"}
    | {"would", "may", "might", "should", "shall", "i", "you", "he", "she", "it", "we", "they", "the", "a", "an"}
    | {"of"}
)


def question_word(question: str) -> str:
    """The question's question word, with the noun a "what X" or "which X" question asks for ("what year",
    "how many"); "what" when it has none."""
    found = _ASKING.search(question)
    if found is None:
        return "what"
    word, after = found.group(1).lower(), (found.group(2) or "").lower()
    if word in ("what", "which") and after and after not in _NOT_THE_NOUN:
        return f"{word} {after}"
    return word


def with_slots(
    question: str, found: Sequence[tuple[Candidate, SentenceMatch]], *, embed: Embed
) -> list[tuple[Candidate, SentenceMatch]]:
    """The candidates with ``slot_gain`` set (see the module's docstring); the readings are embedded in one call.
    A candidate without support is never chosen, and one not written in its sentence (a pronoun's antecedent) has
    no slot there: they, and the candidates of sentences past :data:`SLOTTED_SENTENCES`, gain nothing."""
    asking = question_word(question)
    readings: dict[str, int] = {}
    slots: list[tuple[str, str] | None] = []
    for candidate, match in found:
        slotted = candidate.support > 0 and candidate.features["sentence_rank"] > 1 / (1 + SLOTTED_SENTENCES)
        at = match.text.find(candidate.text, candidate.start) if slotted else -1
        if at < 0:
            slots.append(None)
            continue
        asked = f"{match.text[:at]}{asking}{match.text[at + len(candidate.text) :]}"
        pair = (read_in_setting(match), read_in_setting(match, asked))
        for text in pair:
            readings.setdefault(text, len(readings))
        slots.append(pair)
    if not readings:
        return list(found)
    vectors = embed([question, *readings])
    cosines = vectors[1:] @ vectors[0]
    out = []
    for (candidate, match), slot in zip(found, slots, strict=True):
        if slot is not None:
            written, asked = slot
            gain = float(cosines[readings[asked]] - cosines[readings[written]])
            candidate = replace(candidate, features={**candidate.features, "slot_gain": round(_SCALE * gain, 6)})
        out.append((candidate, match))
    return out
