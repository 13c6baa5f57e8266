"""Questions in people's words about the graph's relations, the answer a fine-tuned model learns, and the paraphrase
prompt.

Questions come from the phrasings of each canonical relation type (:mod:`training.phrasings`); a type without
phrasings gets no question. The answer a model learns is the short answer as the cited passage writes it, then the
context citations of the passages it rests on, the shape a reader wants::

    Ulm [2]
    North Macedonia [1][3]

An unanswerable question's target is exactly the NOT_IN_GRAPH sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from trellis.retrieval.types import Fact
from trellis.training.phrasings import PHRASINGS

__all__ = [
    "INVENTED_NAMES",
    "PARAPHRASE_PROMPT",
    "comparison_questions",
    "join_names",
    "list_questions",
    "predicate_words",
    "single_hop_questions",
    "target_text",
    "two_hop_questions",
]

INVENTED_NAMES: tuple[str, ...] = (
    "Zorvath Quelling", "Mirenka Obradel", "Tessaloon", "Port Valdrenne", "Hollis Vantremor", "Ostrava Nell",
    "Kelmar Draxwood", "Sunvale Republic", "Ilvane Corrimore", "Brastevo", "Quintessa Marlow", "Drumlin Harth",
)  # fmt: skip
"""Names of no real entity: questions about them have no answer in any graph of real text."""

PARAPHRASE_PROMPT = (
    "Rewrite the question below in different words. Keep its meaning and keep every name exactly as written. "
    "Answer with the rewritten question only.\n\nQuestion: {question}"
)


def predicate_words(predicate: str) -> str:
    """``CAPITAL_OF`` -> ``capital of``."""
    return predicate.replace("_", " ").lower()


def _sentence(text: str) -> str:
    """The question with its first letter capitalised (a phrasing may start with a described entity)."""
    return text[:1].upper() + text[1:]


def single_hop_questions(relation: Fact) -> list[tuple[str, str]]:
    """The questions that the relation answers, each with the entity id its answer is: (question, answer id).
    Empty for a type without phrasings."""
    phrasings = PHRASINGS.get(relation.predicate)
    if phrasings is None:
        return []
    found = [(_sentence(t.format(subject=relation.subject)), relation.object_id) for t in phrasings.object]
    found += [(_sentence(t.format(object=relation.object)), relation.subject_id) for t in phrasings.subject]
    return found


def two_hop_questions(first: Fact, second: Fact) -> list[str]:
    """The questions that the chain ``first`` then ``second`` answers (the answer: second's object), the middle
    entity described through the first ("Where was the spouse of X born?"); empty when either type cannot say it."""
    described, asked = PHRASINGS.get(first.predicate), PHRASINGS.get(second.predicate)
    if described is None or described.object_noun is None or asked is None:
        return []
    middle = described.object_noun.format(subject=first.subject)
    return [_sentence(template.format(subject=middle)) for template in asked.object]


def list_questions(subject: str, predicate: str) -> list[str]:
    """The question whose answer is every object of ``subject``'s ``predicate`` relations; empty when none fits."""
    phrasings = PHRASINGS.get(predicate)
    if phrasings is None or phrasings.all_objects is None:
        return []
    return [_sentence(phrasings.all_objects.format(subject=subject))]


def comparison_questions(first: str, second: str, *, predicate: str, obj: str) -> list[str]:
    """Which of two subjects holds the relation to ``obj``, asked as a person would ("Who founded X, A or B?"); the
    answer is whichever the graph says. Empty for a type that is not asked subject-first."""
    phrasings = PHRASINGS.get(predicate)
    if phrasings is None:
        return []
    asks = [t.format(object=obj) for t in phrasings.subject if t.endswith("?")]
    return [_sentence(f"{ask[:-1]}, {first} or {second}?") for ask in asks]


def join_names(names: Sequence[str]) -> str:
    """``["A", "B", "C"]`` -> ``"A, B and C"``."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def target_text(answer: str, citations: Sequence[int]) -> str:
    """The answer a model learns: the short answer as the passage writes it, then its context citations."""
    marks = "".join(f"[{number}]" for number in sorted(set(citations)))
    return f"{answer} {marks}" if marks else answer
