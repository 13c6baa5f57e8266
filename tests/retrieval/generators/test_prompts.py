"""The one prompt of the language-model generators (training builds its examples with it too)."""

from __future__ import annotations

from tests.retrieval.generators.contexts import context
from trellis.retrieval.generators import NOT_IN_GRAPH
from trellis.retrieval.generators.prompts import SYSTEM_PROMPT, chat_messages, is_abstention, parse_citations

QUESTION = "What is the capital of Albania?"


def test_the_messages_hold_the_instruction_the_context_and_the_question() -> None:
    messages = chat_messages(QUESTION, context(QUESTION))
    assert [m["role"] for m in messages] == ["system", "user"]
    assert NOT_IN_GRAPH in messages[0]["content"] and "[n]" in messages[0]["content"]
    user = messages[1]["content"]
    assert user.startswith(
        "Context:\nFacts matching the question:\n(Tirana) -[CAPITAL_OF]-> (Albania) [1]\nPassages:\n[1] Capitals"
    )
    assert user.endswith(
        "\n\nQuestion: What is the capital of Albania?\n"
        "Facts matching the question: 1 (not named in the question: Tirana)"
    )
    other = chat_messages("What is the currency of Albania?", context("What is the currency of Albania?"))
    assert other[1]["content"].endswith("\nFacts matching the question: none")
    assert len(SYSTEM_PROMPT.split()) < 60  # short enough for a 135M model


def test_the_messages_are_deterministic() -> None:
    first = chat_messages(QUESTION, context(QUESTION))
    assert chat_messages(QUESTION, context(QUESTION)) == first
    assert chat_messages("  What is the capital\nof Albania?  ", context(QUESTION))[1] == first[1]
    assert chat_messages("What is the capital of Serbia?", context(QUESTION)) != first


def test_citations_are_parsed_and_limited_to_the_context() -> None:
    ctx = context(QUESTION)
    assert parse_citations("Tirana [1].", ctx) == [1]
    assert parse_citations("Tirana [2][1] and [1, 2] but not [7] or [x]", ctx) == [1, 2]
    assert parse_citations("Tirana, no marks", ctx) == []


def test_abstentions_are_recognised() -> None:
    assert is_abstention(NOT_IN_GRAPH) and is_abstention(f"  {NOT_IN_GRAPH}\n")
    assert is_abstention("Not in the graph.") and is_abstention('"not in the graph: nothing about it"')
    assert not is_abstention("Tirana [1]") and not is_abstention("It is not in the graph's second passage... Tirana")
    assert is_abstention("1. Not in the graph: nothing about it") and is_abstention("- not in the graph")
    assert not is_abstention("1. Tirana [1]") and not is_abstention("1848. Tirana")
