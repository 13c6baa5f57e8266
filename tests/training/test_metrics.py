"""Answer metrics: the short answer of a model's text, exact match, F1 and the relations it cites."""

from __future__ import annotations

import pytest

from trellis.training.metrics import cited_triples, exact_match, short_answer, token_f1


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Tirana. (Tirana) -[CAPITAL_OF]-> (Albania) [1]", "Tirana"),
        ("Tirana [1].", "Tirana"),
        ("The capital is Tirana.", "The capital is Tirana"),
        (
            "North Macedonia. (Mother Teresa) -[BORN_IN]-> (Skopje) [2]; (Skopje) -[CAPITAL_OF]-> (X) [1]",
            "North Macedonia",
        ),
    ],
)
def test_short_answer(text: str, short: str) -> None:
    assert short_answer(text) == short


def test_exact_match_normalises_and_lists_match_in_any_order() -> None:
    assert exact_match("the Tirana.", "Tirana")
    assert exact_match("Kosovo, Greece and Montenegro", "Greece, Kosovo and Montenegro")
    assert not exact_match("Greece and Kosovo", "Greece, Kosovo and Montenegro")
    assert not exact_match("Skopje", "Tirana")


def test_token_f1() -> None:
    assert token_f1("North Macedonia", "North Macedonia") == 1.0
    assert token_f1("Macedonia", "North Macedonia") == pytest.approx(2 / 3)
    assert token_f1("Skopje", "Tirana") == 0.0


def test_cited_triples() -> None:
    found = cited_triples(
        "X. (Mother Teresa) -[BORN_IN]-> (Skopje) [2]; (Skopje) -[CAPITAL_OF]-> (North Macedonia) [1]"
    )
    assert [(t.subject, t.predicate, t.object) for t in found] == [
        ("Mother Teresa", "BORN_IN", "Skopje"),
        ("Skopje", "CAPITAL_OF", "North Macedonia"),
    ]
