"""Which facts a question asks about: the fact names one of the question's entities, and its predicate (its type or
the phrase the text used: ``LIVED_IN`` "moved to") is one of the question's words.

"What is the capital of Albania?" asks about ``(Tirana) -[CAPITAL_OF]-> (Albania)`` (Albania is named, "capital"
is asked), not about ``(Albania) -[MEMBER_OF]-> (United Nations)`` nor ``(Skopje) -[CAPITAL_OF]-> (North
Macedonia)``. The context marks these facts (:func:`retrieval.context.build_context`), so a generator, and the
model trained on the same contexts, can see when nothing in the graph answers the question.

Words are compared as :func:`~retrieval.ranking.content_words` stems, a shorter one matching the start of a
longer one ("die" and "died", "border" and "bordering"). A predicate of stop words only (``HAD``, ``DID_AT``) is
compared with every word of the question. Location predicates (``LOCATED_IN``) are asked about by "where" and
"place" questions. Irregular forms and a few common synonyms are asked too ("wrote" by "written", "married" by
"spouse", "led" by "lead", "born" by "birthplace").
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from trellis.retrieval.ranking import content_words, stem
from trellis.retrieval.ranking import words as word_list
from trellis.retrieval.types import Fact

__all__ = ["QuestionWords", "asks_about", "unnamed_ends"]

_MIN_PREFIX = 3
_FUNCTION_WORDS = frozenset({"in", "of", "to", "at", "on", "with", "for", "by", "from", "as", "into", "the", "a"})
_HAVE = frozenset({"had", "has", "have", "hav"})
_PLACE_QUESTION = frozenset({"where", "place", "locat", "location", "situat"})
_PLACE_PREDICATE = ("locat", "situat")
# a predicate word -> other words a question asks it with (irregular forms, common synonyms); stemmed on use
_ALSO_ASKED_BY: dict[str, tuple[str, ...]] = {
    "wrote": ("write", "written", "author"),
    "led": ("lead", "leader"),
    "won": ("win", "winner"),
    "born": ("birth", "birthplace"),
    "died": ("death",),
    "married": ("marry", "wed", "spouse", "wife", "husband"),
    "taught": ("teach", "pupil", "student"),
    "teacher": ("taught", "teach", "pupil"),
    "student": ("taught", "teach", "pupil"),
    "border": ("neighbour", "neighbor"),
    "founded": ("found", "founder"),
    "capital": ("seat",),
}
_SYNONYMS: dict[str, frozenset[str]] = {
    stem(word): frozenset(stem(other) for other in others) for word, others in _ALSO_ASKED_BY.items()
}


def _all_words(text: str) -> set[str]:
    return {stem(word) for word in word_list(text)}


@dataclass(frozen=True)
class QuestionWords:
    """A question's words, as facts are compared with them."""

    content: frozenset[str]
    every: frozenset[str]

    @classmethod
    def of(cls, question: str) -> QuestionWords:
        return cls(content=frozenset(content_words(question)), every=frozenset(_all_words(question)))


def _near(first: str, second: str) -> bool:
    if first == second:
        return True
    short, long = sorted((first, second), key=len)
    return len(short) >= _MIN_PREFIX and long.startswith(short)


def _named(words: QuestionWords, end: str) -> bool:
    return bool(name := content_words(end)) and name <= words.content


def _names_an_entity(words: QuestionWords, fact: Fact) -> bool:
    return any(_named(words, end) for end in (fact.subject, fact.object))


def _asks_predicate(words: QuestionWords, predicate: str) -> bool:
    text = predicate.replace("_", " ")
    asked: Set[str] = content_words(text)
    against: Set[str] = words.content
    if not asked:  # HAD_WITH, DID: only stop words, so compare every word
        asked = _all_words(text) - _FUNCTION_WORDS
        asked = asked | _HAVE if asked & _HAVE else asked
        against = words.every
    if any(word.startswith(_PLACE_PREDICATE) for word in asked) and words.every & _PLACE_QUESTION:
        return True
    asked = {*asked, *(other for word in asked for other in _SYNONYMS.get(word, ()))}
    return any(_near(mine, theirs) for mine in asked for theirs in against)


def asks_about(words: QuestionWords, fact: Fact) -> bool:
    """Whether the question (its :class:`QuestionWords`) asks about ``fact``."""
    return _names_an_entity(words, fact) and _asks_predicate(words, f"{fact.predicate} {fact.phrase}")


def unnamed_ends(words: QuestionWords, fact: Fact) -> list[str]:
    """The ends of ``fact`` (subject, object) that the question does not name: where an answer to it lies."""
    return [end for end in (fact.subject, fact.object) if not _named(words, end)]
