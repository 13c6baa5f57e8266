"""The context block: numbered citations, fact lines, the token budget, determinism."""

from __future__ import annotations

from trellis.kg.vectors import Embedder
from trellis.retrieval.context import _choose, build_context
from trellis.retrieval.types import Evidence, Fact, Passage


def words(text: str) -> int:
    return len(text.split())


P1 = Passage(chunk_id="doc-a:0", document_id="doc-a", title="Capitals", text="Tirana is the capital of Albania.")
P2 = Passage(chunk_id="doc-b:3", document_id="doc-b", title=None, text="The Danube flows  through\nBelgrade.")
CAPITAL = Fact(
    subject_id="t", subject="Tirana", predicate="CAPITAL_OF", object_id="a", object="Albania", confidence=0.8,
    evidence=[Evidence(chunk_id="doc-a:0", document_id="doc-a")],
)  # fmt: skip
ELSEWHERE = Fact(
    subject_id="s", subject="Skopje", predicate="CAPITAL_OF", object_id="m", object="North Macedonia",
    evidence=[Evidence(chunk_id="doc-c:1", document_id="doc-c")],
)  # fmt: skip


def test_passages_are_numbered_and_facts_cite_them() -> None:
    context = build_context("q?", [P1, P2], [CAPITAL, ELSEWHERE], token_budget=1000, count_tokens=words)
    assert context.text == (
        "Facts matching the question: none\n"
        "Other facts:\n"
        "(Tirana) -[CAPITAL_OF]-> (Albania) [1]\n"
        "(Skopje) -[CAPITAL_OF]-> (North Macedonia) [3]\n"
        "Passages:\n"
        "[1] Capitals: Tirana is the capital of Albania.\n"
        "[2] The Danube flows through Belgrade."
    )
    assert [(c.number, c.chunk_id, c.document_id) for c in context.citations] == [
        (1, "doc-a:0", "doc-a"),
        (2, "doc-b:3", "doc-b"),
        (3, "doc-c:1", "doc-c"),
    ]
    assert context.number_of("doc-b:3") == 2 and context.citation(3) is not None
    assert context.tokens == words(context.text) and context.question == "q?"


def test_the_budget_is_never_exceeded() -> None:
    long = Passage(chunk_id="doc-l:0", document_id="doc-l", text=" ".join(f"w{i}" for i in range(400)))
    for budget in (5, 12, 40, 100, 1000):
        context = build_context("q", [P1, long, P2], [CAPITAL], token_budget=budget, count_tokens=words)
        assert words(context.text) <= budget
    cut = build_context("q", [P1, long], [], token_budget=60, count_tokens=words)
    assert cut.passages[1].text.endswith("…") and words(cut.text) <= 60


def test_items_that_do_not_fit_are_left_out_with_their_numbers() -> None:
    context = build_context("q", [P1, P2], [CAPITAL], token_budget=18, count_tokens=words)
    assert context.text == (
        "Facts matching the question: none\nOther facts:\n(Tirana) -[CAPITAL_OF]-> (Albania) [2]\n"
        "Passages:\n[1] The Danube flows through Belgrade."
    )
    assert [(c.number, c.chunk_id) for c in context.citations] == [(1, "doc-b:3"), (2, "doc-a:0")]


def test_same_inputs_same_context() -> None:
    first = build_context("q", [P1, P2], [CAPITAL], token_budget=50, count_tokens=words)
    assert build_context("q", [P1, P2], [CAPITAL], token_budget=50, count_tokens=words) == first


def test_nothing_to_say_is_an_empty_context() -> None:
    context = build_context("q", [], [], token_budget=50, count_tokens=words)
    assert context.text == "" and context.citations == [] and context.tokens == 0


def test_the_facts_the_question_asks_about_come_first_under_their_heading() -> None:
    member = Fact(
        subject_id="a", subject="Albania", predicate="MEMBER_OF", object_id="u", object="United Nations",
        evidence=[Evidence(chunk_id="doc-a:0", document_id="doc-a")],
    )  # fmt: skip
    question = "What is the capital of Albania?"
    context = build_context(question, [P1], [member, ELSEWHERE, CAPITAL], token_budget=1000, count_tokens=words)
    assert context.text.splitlines()[:5] == [
        "Facts matching the question:",
        "(Tirana) -[CAPITAL_OF]-> (Albania) [1]",
        "Other facts:",
        "(Albania) -[MEMBER_OF]-> (United Nations) [1]",
        "(Skopje) -[CAPITAL_OF]-> (North Macedonia) [2]",
    ]
    assert [f.predicate for f in context.facts] == ["CAPITAL_OF", "MEMBER_OF", "CAPITAL_OF"]
    assert context.matching == 1
    assert context.unnamed == ["Tirana"], "the end the question does not name, of the matching facts only"
    only = build_context(question, [], [CAPITAL], token_budget=1000, count_tokens=words)
    assert only.text == "Facts matching the question:\n(Tirana) -[CAPITAL_OF]-> (Albania) [1]"


def test_a_question_the_facts_do_not_answer_says_none() -> None:
    for question in ("What is the currency of Albania?", "What is the capital of Kosovo?"):
        context = build_context(question, [P1], [CAPITAL], token_budget=1000, count_tokens=words)
        none = "Facts matching the question: none\nOther facts:\n(Tirana) -[CAPITAL_OF]-> (Albania) [1]"
        assert context.text.startswith(none)
        assert context.unnamed == []


def test_a_matching_fact_is_kept_before_the_others_when_the_budget_is_short() -> None:
    question = "What is the capital of North Macedonia?"
    context = build_context(question, [], [CAPITAL, ELSEWHERE], token_budget=9, count_tokens=words)
    assert context.text == "Facts matching the question:\n(Skopje) -[CAPITAL_OF]-> (North Macedonia) [1]"


def test_the_unnamed_ends_of_matching_facts_are_listed_once() -> None:
    born = Fact(subject_id="h", subject="Huxley", predicate="BORN_IN", object_id="s", object="Surrey")
    johnston = Fact(subject_id="j", subject="Johnston", predicate="BORN_IN", object_id="k", object="Kentucky")
    question = "Which of Johnston and Huxley was born in Surrey?"
    context = build_context(question, [], [born, johnston], token_budget=1000, count_tokens=words)
    assert context.matching == 2
    assert context.unnamed == ["Kentucky"], "both ends of the Huxley fact are named"
    capital = build_context("Which city is the capital of Albania?", [], [CAPITAL, CAPITAL], token_budget=1000,
                            count_tokens=words)  # fmt: skip
    assert capital.unnamed == ["Tirana"]


def test_a_counter_that_joins_lines_still_keeps_the_budget() -> None:
    # Counting line breaks as tokens makes a whole text count more than its lines: the choice is made again.
    def with_breaks(text: str) -> int:
        return words(text) + text.count("\n")

    long = Passage(chunk_id="doc-l:0", document_id="doc-l", text=" ".join(f"w{i}" for i in range(400)))
    for budget in (5, 12, 40, 100, 1000):
        context = build_context(
            "q", [P1, long, P2], [CAPITAL, ELSEWHERE], token_budget=budget, count_tokens=with_breaks
        )
        assert with_breaks(context.text) <= budget and context.tokens == with_breaks(context.text)


def test_counting_line_by_line_chooses_as_counting_whole_texts(retrieval_embedder: Embedder) -> None:
    # The embedder's WordPiece tokenizer never joins tokens across a line break: each line counted once, summed,
    # gives the same choice as counting every candidate text whole (the greedy choice without the shortcut).
    count = retrieval_embedder.count_tokens
    long = Passage(chunk_id="doc-l:0", document_id="doc-l", title="Long", text="Tirana, Albania's capital. " * 90)
    facts = [CAPITAL, ELSEWHERE]
    for budget in (20, 45, 120, 400, 2000):
        context = build_context("What is the capital of Albania?", [P1, long, P2], facts, token_budget=budget,
                                count_tokens=count)  # fmt: skip
        ordered = [CAPITAL, ELSEWHERE]  # CAPITAL is asked about, so first either way
        whole = _choose(ordered, 1, [P1, long, P2], budget, count)
        assert (context.passages, context.facts, context.matching) == whole
        assert context.tokens == count(context.text) <= budget
