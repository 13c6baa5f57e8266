"""Question phrasings per predicate, the answer formats a fine-tuned model learns, and the paraphrase prompt.

Every answerable target has one shape, the one the extractive generator also uses, so answers stay comparable and
their relations can be checked against the graph::

    Tirana. (Tirana) -[CAPITAL_OF]-> (Albania) [1]
    North Macedonia. (Mother Teresa) -[BORN_IN]-> (Skopje) [2]; (Skopje) -[CAPITAL_OF]-> (North Macedonia) [1]

An unanswerable question's target is exactly the NOT_IN_GRAPH sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from training.types import GraphRelation

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

# predicate -> phrasings that ask for the object ({subject} given) and for the subject ({object} given).
_ASK_OBJECT: dict[str, tuple[str, ...]] = {
    "CAPITAL_OF": (
        "{subject} is the capital of which country?",
        "Of what is {subject} the capital?",
        "Which country has {subject} as its capital?",
    ),
    "BORN_IN": (
        "Where was {subject} born?",
        "What is the birthplace of {subject}?",
        "In which place was {subject} born?",
    ),
    "DIED_IN": (
        "Where did {subject} die?",
        "In which place did {subject} die?",
        "What is the place of death of {subject}?",
    ),
    "LOCATED_IN": ("Where is {subject} located?", "In which place is {subject}?", "{subject} is located in what?"),
    "FOUNDED": (
        "What did {subject} found?",
        "Which organisation was founded by {subject}?",
        "Name what {subject} founded.",
    ),
    "WON": ("What did {subject} win?", "Which award did {subject} win?", "Name a prize that {subject} won."),
    "RECEIVED": ("What did {subject} receive?", "Which award did {subject} receive?", "Name what {subject} received."),
    "BORDERED": (
        "Which country does {subject} border?",
        "What does {subject} share a border with?",
        "Name a neighbour of {subject}.",
    ),
    "STUDENT_OF": ("Whose student was {subject}?", "Who taught {subject}?", "{subject} was a student of whom?"),
    "TEACHER_OF": ("Whom did {subject} teach?", "Who was a pupil of {subject}?", "{subject} was the teacher of whom?"),
    "CURRENCY_OF": (
        "{subject} is the currency of which country?",
        "Which country uses the {subject}?",
        "Where is the {subject} the currency?",
    ),
    "WROTE": ("What did {subject} write?", "Name a work written by {subject}.", "Which work is by {subject}?"),
    "MARRIED": ("Whom did {subject} marry?", "Who was the spouse of {subject}?", "Who did {subject} wed?"),
    "LED": ("What did {subject} lead?", "Which group did {subject} lead?", "Name what {subject} led."),
    "FLOWED_THROUGH": (
        "Which city does {subject} flow through?",
        "Through which place does {subject} flow?",
        "Name a place on the {subject}.",
    ),
}
_ASK_SUBJECT: dict[str, tuple[str, ...]] = {
    "CAPITAL_OF": (
        "What is the capital of {object}?",
        "Which city is the capital of {object}?",
        "Name the capital city of {object}.",
    ),
    "BORN_IN": ("Who was born in {object}?", "Name a person born in {object}.", "Which person was born in {object}?"),
    "FOUNDED": ("Who founded {object}?", "By whom was {object} founded?", "Name the founder of {object}."),
    "CURRENCY_OF": (
        "What is the currency of {object}?",
        "Which currency does {object} use?",
        "Name the currency of {object}.",
    ),
    "OFFICIAL_LANGUAGE_OF": (
        "What is the official language of {object}?",
        "Which language is official in {object}?",
        "Name the official language of {object}.",
    ),
    "WROTE": ("Who wrote {object}?", "Who is the author of {object}?", "By whom was {object} written?"),
}
_GENERIC_OBJECT = (
    "{subject} {words} what?",
    "According to the graph, {subject} {words} which entity?",
    "Which entity does {subject} have a {predicate} relation to?",
)
_GENERIC_SUBJECT = (
    "Which entity has a {predicate} relation to {object}?",
    "According to the graph, what {words} {object}?",
)
_TWO_HOP = (
    "{start} {words1} something that {words2} what?",
    "Follow {predicate1} from {start}, then {predicate2}: which entity do you reach?",
    "Which entity is linked to {start} through {predicate1} and then {predicate2}?",
)
_LIST = (
    "Which entities does {subject} {words}? Name them all.",
    "List everything {subject} {words} according to the graph.",
    "Name every entity that {subject} has a {predicate} relation to.",
)
_COMPARISON = (
    "Which of {first} and {second} {words} {object}?",
    "{object}: is it {first} or {second} that {words} it?",
)

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


def single_hop_questions(relation: GraphRelation) -> list[tuple[str, str]]:
    """Phrasings of questions that the relation answers, each with its answer: (question, answer)."""
    words, predicate = predicate_words(relation.predicate), relation.predicate
    ask_object = _ASK_OBJECT.get(predicate, _GENERIC_OBJECT)
    ask_subject = _ASK_SUBJECT.get(predicate, () if predicate in _ASK_OBJECT else _GENERIC_SUBJECT)
    values = {"subject": relation.subject, "object": relation.object, "words": words, "predicate": predicate}
    found = [(template.format(**values), relation.object) for template in ask_object]
    found += [(template.format(**values), relation.subject) for template in ask_subject]
    return found


def two_hop_questions(first: GraphRelation, second: GraphRelation) -> list[str]:
    """Phrasings of the question that the chain ``first`` then ``second`` answers (the answer: second's object)."""
    values = {
        "start": first.subject,
        "words1": predicate_words(first.predicate),
        "words2": predicate_words(second.predicate),
        "predicate1": first.predicate,
        "predicate2": second.predicate,
    }
    return [template.format(**values) for template in _TWO_HOP]


def list_questions(subject: str, predicate: str) -> list[str]:
    """Phrasings of a question whose answer is every object of ``subject``'s ``predicate`` relations."""
    values = {"subject": subject, "words": predicate_words(predicate), "predicate": predicate}
    return [template.format(**values) for template in _LIST]


def comparison_questions(first: str, second: str, *, predicate: str, obj: str) -> list[str]:
    """Phrasings of "which of two subjects holds the relation to ``obj``" (the answer: ``first``)."""
    values = {"first": first, "second": second, "object": obj, "words": predicate_words(predicate)}
    return [template.format(**values) for template in _COMPARISON]


def join_names(names: Sequence[str]) -> str:
    """``["A", "B", "C"]`` -> ``"A, B and C"``."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def target_text(answer: str, cited: Sequence[tuple[GraphRelation, int]]) -> str:
    """The answer a model learns: the short answer, then each supporting relation with its context citation."""
    facts = "; ".join(f"{relation.triple} [{number}]" for relation, number in cited)
    return f"{answer}. {facts}" if facts else answer
