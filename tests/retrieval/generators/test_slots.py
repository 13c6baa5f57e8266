"""The question word put in a candidate's place: the candidate in the slot the question asks about reads as the
question's paraphrase."""

from __future__ import annotations

from dataclasses import replace

import pytest
from spacy.language import Language

from trellis.kg.vectors import Embedder
from trellis.retrieval.context import build_context
from trellis.retrieval.generators.slots import question_word, with_slots
from trellis.retrieval.generators.spans import candidates, matching_sentences
from trellis.retrieval.types import Passage


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("What is the capital of Albania?", "what"),
        ("What year did Apollo 8 launch?", "what year"),
        ("In which city was Aristotle born?", "which city"),
        ("How many people live in Angola?", "how many"),
        ("Who founded the Lyceum?", "who"),
        ("Aristotle studied under whom?", "whom"),
        ("Name the capital of Albania.", "what"),
    ],
)
def test_the_question_word_keeps_the_noun_a_what_or_which_question_asks_for(question: str, word: str) -> None:
    assert question_word(question) == word


def test_the_candidate_in_the_asked_slot_gains_the_most(nlp: Language, retrieval_embedder: Embedder) -> None:
    passage = Passage(
        chunk_id="angola:0",
        document_id="angola",
        title="Angola",
        text="The currency of Angola is the kwanza, and its capital is Luanda.",
    )
    question = "What currency does Angola use?"
    context = build_context(question, [passage], [], token_budget=500, count_tokens=lambda t: len(t.split()))
    matches = matching_sentences(question, context, embed=retrieval_embedder.embed)
    found = with_slots(question, candidates(question, matches, nlp, expected=None), embed=retrieval_embedder.embed)
    gains = {candidate.text: candidate.features["slot_gain"] for candidate, _ in found if candidate.support > 0}
    assert "kwanza" in gains and "Luanda" in gains, gains
    assert gains["kwanza"] > gains["Luanda"], f"read with 'what currency' for the kwanza, it asks the question: {gains}"


def test_a_candidate_without_support_or_not_written_in_its_sentence_has_no_slot(
    nlp: Language, retrieval_embedder: Embedder
) -> None:
    passage = Passage(chunk_id="a:0", document_id="a", title="Albania", text="Tirana is the capital of Albania.")
    question = "What is the capital of Albania?"
    context = build_context(question, [passage], [], token_budget=500, count_tokens=lambda t: len(t.split()))
    matches = matching_sentences(question, context, embed=retrieval_embedder.embed)
    (tirana, match), *_ = [(c, m) for c, m in candidates(question, matches, nlp, expected=None) if c.text == "Tirana"]
    unsupported = replace(tirana, support=0.0)
    elsewhere = replace(tirana, text="Skanderbeg")  # an antecedent: a name the sentence does not write
    found = with_slots(question, [(unsupported, match), (elsewhere, match)], embed=retrieval_embedder.embed)
    assert [c.features["slot_gain"] for c, _ in found] == [0.0, 0.0]
    ((again, _),) = with_slots(question, [(tirana, match)], embed=retrieval_embedder.embed)
    assert again.features["slot_gain"] > 0, "read with 'what' in its place, the sentence is the question itself"
