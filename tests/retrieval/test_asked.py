"""Which facts a question asks about: a question entity named, and the predicate asked."""

from __future__ import annotations

import pytest

from trellis.retrieval.asked import QuestionWords, asks_about
from trellis.retrieval.types import Fact


def fact(subject: str, predicate: str, object: str) -> Fact:
    return Fact(subject_id=subject, subject=subject, predicate=predicate, object_id=object, object=object)


@pytest.mark.parametrize(
    ("question", "subject", "predicate", "object"),
    [
        ("What is the capital of Albania?", "Tirana", "CAPITAL_OF", "Albania"),
        ("Which countries border Afghanistan?", "Iran", "BORDERS", "Afghanistan"),
        ("When did Ahmad Shah Durrani die?", "Ahmad Shah Durrani", "DIED_IN", "October 1772"),
        ("Where was Albert Einstein born?", "Albert Einstein", "BORN_IN", "Ulm"),
        ("In which place is Elizabethtown?", "Elizabethtown", "LOCATED_IN", "Kentucky"),
        ("Which entity does FAA have a HAD_WITH relation to?", "FAA", "HAD_WITH", "2nd, 3rd"),
        ("According to the graph, Robespierre did which entity?", "Robespierre", "DID", "Hébertists"),
        ("What is the population of the capital of Serbia?", "Belgrade", "CAPITAL_OF", "Serbia"),
        # irregular forms and synonyms: the dataset's phrasings
        ("By whom was Alibamu written?", "Alibamu", "WROTE", "a grammar"),
        ("What did Kisshomaru Ueshiba lead?", "Kisshomaru Ueshiba", "LED", "Aikikai"),
        ("What is the birthplace of Mother Teresa?", "Mother Teresa", "BORN_IN", "Skopje"),
        ("Who did Arnalda wed?", "Arnalda", "MARRIED", "Viscounts of Castellbò"),
        ("Name a neighbour of Albania.", "Albania", "BORDERED", "Greece"),
        ("Who taught Plato?", "Plato", "STUDENT_OF", "Socrates"),
    ],
)
def test_asked(question: str, subject: str, predicate: str, object: str) -> None:
    assert asks_about(QuestionWords.of(question), fact(subject, predicate, object))


@pytest.mark.parametrize(
    ("question", "subject", "predicate", "object"),
    [
        ("What is the currency of Albania?", "Tirana", "CAPITAL_OF", "Albania"),  # another predicate
        ("What is the capital of Kosovo?", "Tirana", "CAPITAL_OF", "Albania"),  # another entity
        ("Which entity does Agnostina have a EXTENDED_IN relation to?", "Agnostida", "ORDER_WITHIN", "Trilobita"),
        ("Where is the Zorvath Quelling?", "Albania", "MEMBER_OF", "United Nations"),
        ("Who led Albania?", "Albania", "LOCATED_IN", "Europe"),  # a place predicate needs a place question
        ("Who did Arnalda wed?", "Arnalda", "DAUGHTER_OF", "Arnau of Caboet"),  # a synonym of another predicate
    ],
)
def test_not_asked(question: str, subject: str, predicate: str, object: str) -> None:
    assert not asks_about(QuestionWords.of(question), fact(subject, predicate, object))
