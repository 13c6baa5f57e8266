"""The span ranker: its weights load, save and refuse what they cannot be; fitting puts right candidates first;
the shipped weights were fitted on the dev split and cover only known features."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trellis.retrieval.errors import EvaluationDataError, GeneratorError
from trellis.retrieval.generators.candidates import FEATURES
from trellis.retrieval.generators.span_ranker import DEFAULT_WEIGHTS, SpanRanker, default_ranker, fit_ranker, writable


def test_the_shipped_weights_were_fitted_on_the_dev_split() -> None:
    ranker = default_ranker()
    assert set(ranker.weights) <= set(FEATURES) and any(ranker.weights.values())
    assert ranker.about["fitted_on"] == "prose dev split"
    checked = ranker.about["cross_validated_first_right"]
    assert isinstance(checked, dict) and {"single", "bridge"} <= set(checked)


def test_weights_survive_a_save_and_load(tmp_path: Path) -> None:
    ranker = SpanRanker(weights={"nearness": 1.5, "type_off": -2.0}, about={"l2": 0.1})
    loaded = SpanRanker.load(ranker.save(tmp_path / "weights.json"))
    assert loaded.weights == ranker.weights and loaded.about == {"l2": 0.1}
    assert loaded.score({"nearness": 1.0, "type_off": 1.0, "length": 3.0}) == pytest.approx(-0.5)


def test_weights_are_not_written_where_they_cannot_be(tmp_path: Path) -> None:
    ranker = SpanRanker(weights={"nearness": 1.0})
    for path in (tmp_path, tmp_path / "missing" / "weights.json"):
        with pytest.raises(GeneratorError, match="cannot write"):
            writable(path)
        with pytest.raises(GeneratorError, match="cannot write"):
            ranker.save(path)
    writable(tmp_path / "weights.json")


@pytest.mark.parametrize(
    "body", ["", "not json", json.dumps({"about": {}}), json.dumps({"weights": {"nearness": "high"}})]
)
def test_unreadable_weights_are_a_clear_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "weights.json"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(GeneratorError, match="span ranker"):
        SpanRanker.load(path)
    with pytest.raises(GeneratorError, match="span ranker"):
        SpanRanker.load(tmp_path / "missing.json")


def test_weights_for_unknown_features_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"weights": {"nearness": 1.0, "shoe_size": 2.0}}), encoding="utf-8")
    with pytest.raises(GeneratorError, match="shoe_size"):
        SpanRanker.load(path)


def test_fitting_learns_which_features_mark_the_answer() -> None:
    # The right candidate is always the near one of the asked type; the wrong ones are far, or of another type.
    right = {"nearness": 1.0, "type_asked": 1.0}
    questions = [
        [(right, True), ({"nearness": 0.1, "type_asked": 1.0}, False), ({"nearness": 1.0, "type_off": 1.0}, False)]
        for _ in range(20)
    ]
    ranker = fit_ranker(questions, l2=0.01)
    assert ranker.weights["nearness"] > 0 and ranker.weights["type_asked"] > ranker.weights["type_off"]
    for rows in questions:
        assert max(rows, key=lambda row: ranker.score(row[0]))[1]
    assert ranker.about == {"l2": 0.01, "questions": 20}


def test_fitting_needs_a_question_with_a_right_candidate() -> None:
    with pytest.raises(EvaluationDataError, match="right candidate"):
        fit_ranker([[({"nearness": 1.0}, False)]])


def test_the_shipped_file_is_packaged() -> None:
    pyproject = (Path(__file__).parents[3] / "pyproject.toml").read_text(encoding="utf-8")
    assert DEFAULT_WEIGHTS.name in pyproject
