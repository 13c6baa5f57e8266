"""Feedback as data, the pure parts: down-voted answers and corrected questions leave the generated examples, gold
examples join train and take held-out examples about their entities with them, and answers are matched loosely
enough for a model's sentence but not for another name."""

from __future__ import annotations

from tests.training.conftest import make_example
from trellis.training.feedback import RatedAnswer, _matches, _same_answer, keep_out_down_voted, with_gold


def _rated(question: str, rating: str, text: str, correction: str | None = None) -> RatedAnswer:
    return RatedAnswer.model_validate(
        {"id": "ans-" + "0" * 32, "question": question, "text": text, "model": "m", "rating": rating,
         "correction": correction}
    )  # fmt: skip


def test_down_voted_answers_and_corrected_questions_leave_the_generated_examples() -> None:
    tirana = make_example(1, "Tirana", "CAPITAL_OF", "Albania", split="train")
    skopje = make_example(2, "Skopje", "CAPITAL_OF", "North Macedonia", split="train")
    sofia = make_example(3, "Sofia", "CAPITAL_OF", "Bulgaria", split="train")
    rated = [
        _rated(tirana.question, "DOWN", "Tirana [1]"),  # down-voted: the generated example teaches that answer
        _rated(sofia.question.upper(), "DOWN", "Plovdiv [1]"),  # down-voted, but another answer: kept
        _rated(skopje.question, "UP", "Skopje [1]"),
    ]
    gold = [make_example(9, "Skopje!", "CAPITAL_OF", "North Macedonia", split="train")]
    kept, dropped = keep_out_down_voted([tirana, skopje, sofia], rated, gold)
    assert [e.id for e in kept] == [sofia.id]
    assert dropped == {"down_voted": 1, "replaced_by_feedback": 1}


def test_gold_examples_join_train_and_held_out_examples_about_their_entities_leave() -> None:
    train = make_example(1, "Tirana", "CAPITAL_OF", "Albania", split="train")
    test_same = make_example(2, "Durres", "LOCATED_IN", "Albania", split="test")
    test_other = make_example(3, "Sofia", "CAPITAL_OF", "Bulgaria", split="test")
    gold = make_example(4, "Tirana", "CAPITAL_OF", "Albania", split="train").model_copy(
        update={"entities": ["albania"], "anchor": "answer:x", "predicate": "FEEDBACK", "kind": "feedback"}
    )
    examples, dropped = with_gold([train, test_same, test_other], [gold])
    assert [e.id for e in examples] == [train.id, gold.id, test_other.id]
    assert dropped == {"held_out_entity_in_feedback": 1}


def test_answers_match_loosely_but_not_another_name() -> None:
    assert _matches("The capital of Albania is Tirana. [1]", "Tirana")
    assert _matches("Tirana [1]", "tirana")
    assert _matches("Gjirokastër [2]", "Gjirokastër")
    assert not _matches("The capital of Albania is Albania. [1]", "Podgorica")
    assert not _matches("Tiranasaurus", "Tirana")
    assert _matches("Not in the graph: the knowledge graph holds nothing", "Not in the graph.")
    assert not _matches("Tirana [1]", "Not in the graph")
    assert not _matches("Not in the graph: the knowledge graph holds nothing", "Tirana")


def test_the_same_answer_in_a_sentence_or_as_a_name_but_not_the_question_repeated() -> None:
    question = "What is the currency of Albania?"
    assert _same_answer("lek [1]", "The currency of Albania is the lek", question=question)
    assert _same_answer("The currency of Albania is the lek.", "lek", question=question)
    assert not _same_answer("Albania", "The currency of Albania is the lek", question=question)
    assert not _same_answer("euro [2]", "The currency of Albania is the lek", question=question)
    assert not _same_answer("Not in the graph: none", "lek", question=question)
