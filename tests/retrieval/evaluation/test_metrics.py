"""The metrics on hand-worked examples: SQuAD normalisation, EM, token F1, recall@k, MRR, percentiles."""

from __future__ import annotations

import pytest

from trellis.retrieval.evaluation.metrics import (
    answer_span,
    exact_match,
    normalize_answer,
    percentile,
    recall_at_k,
    reciprocal_rank,
    token_f1,
)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("The Lek.", "lek"),
        ("  An  apple, a day ", "apple day"),
        ("418,495", "418495"),
        ("André-Marie Ampère", "andrémarie ampère"),
        ("theatre", "theatre"),
        ("", ""),
    ],
)
def test_normalisation_follows_squad(text: str, normal: str) -> None:
    assert normalize_answer(text) == normal


def test_exact_match_takes_the_best_gold_answer() -> None:
    assert exact_match("the Pacific", ["Pacific Ocean", "Pacific"]) == 1.0
    assert exact_match("418,495", ["418,495", "418495"]) == 1.0
    assert exact_match("Pacific Ocean basin", ["Pacific Ocean"]) == 0.0
    assert exact_match("anything", []) == 0.0


def test_token_f1_counts_shared_tokens() -> None:
    # prediction "capital city tirana" vs gold "tirana": precision 1/3, recall 1 -> F1 0.5
    assert token_f1("capital city Tirana", ["Tirana"]) == pytest.approx(0.5)
    assert token_f1("Tirana", ["Tirana", "Tiranë"]) == 1.0
    assert token_f1("Durrës", ["Tirana"]) == 0.0
    assert token_f1("the", ["a"]) == 1.0  # both normalise to nothing
    assert token_f1("Tirana", []) == 0.0
    assert token_f1("Tirana Tirana", ["Tirana"]) == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_answer_span_strips_citations_and_triples() -> None:
    assert answer_span("Tirana. (Tirana) -[CAPITAL_OF]-> (Albania) [1]") == "Tirana"
    assert answer_span("418,495. (Tirana) -[HAS_POPULATION]-> (418,495) [2][3]") == "418,495"
    assert answer_span('"The capital of Albania is Tirana." [1]') == "The capital of Albania is Tirana."
    assert answer_span("Tirana [1].") == "Tirana."


def test_recall_at_k_counts_distinct_documents() -> None:
    ranked = ["a", "a", "x", "b", "y", "z"]
    assert recall_at_k(ranked, ["a", "b"], 2) == 0.5  # "a" once, then "x"
    assert recall_at_k(ranked, ["a", "b"], 3) == 1.0
    assert recall_at_k(ranked, ["q"], 10) == 0.0
    assert recall_at_k(ranked, [], 5) == 0.0
    assert recall_at_k([], ["a"], 5) == 0.0


def test_reciprocal_rank_of_the_first_supporting_document() -> None:
    assert reciprocal_rank(["x", "x", "y", "a", "b"], ["b", "a"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], ["a"]) == 1.0
    assert reciprocal_rank(["x"], ["a"]) == 0.0


def test_percentiles_interpolate_between_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 0.5) == 30.0
    assert percentile(values, 0.95) == pytest.approx(48.0)
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) == 0.0
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile(values, 95)
