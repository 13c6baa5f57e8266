"""The prose set: every quote is verbatim in its article, every answerable question's answer is in its evidence,
bridge questions name neither the bridge nor its article, absent questions' key terms are nowhere in the corpus,
and the set has the size and split the evaluation promises."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.prose import (
    PROSE_QUESTIONS,
    Article,
    EvidenceQuote,
    ProseQuestion,
    as_eval_questions,
    load_articles,
    load_prose,
    validate,
)


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return load_articles()


def test_the_shipped_set_is_sound(articles: dict[str, Article]) -> None:
    questions = load_prose()
    assert validate(questions, articles) == []


def test_the_shipped_set_has_every_type_on_both_splits() -> None:
    questions = load_prose()
    counts = Counter(q.type for q in questions)
    assert len(questions) >= 100
    assert counts["single"] >= 40 and counts["bridge"] >= 30 and counts["comparison"] >= 10 and counts["absent"] >= 20
    for split in ("dev", "test"):
        on_split = Counter(q.type for q in questions if q.split == split)
        assert set(on_split) == {"single", "bridge", "comparison", "absent"}, split
    assert not {q.question for q in questions if q.split == "dev"} & {
        q.question for q in questions if q.split == "test"
    }


def test_the_validator_finds_each_kind_of_mistake(articles: dict[str, Article]) -> None:
    albania = articles["Albania"].text
    quote = albania[albania.index("Tirana") - 40 : albania.index("Tirana") + 20]
    good = ProseQuestion(
        id="ok",
        split="dev",
        type="single",
        question="Where?",
        answers=["Tirana"],
        evidence=[EvidenceQuote(title="Albania", quote=quote)],
    )
    assert validate([good], articles) == []
    wrong = [
        good.model_copy(update={"id": "a", "evidence": [EvidenceQuote(title="Albania", quote=quote + " nowhere")]}),
        good.model_copy(update={"id": "b", "answers": ["Durrës Riviera"]}),
        good.model_copy(update={"id": "c", "evidence": [EvidenceQuote(title="Atlantis", quote=quote)]}),
        ProseQuestion(id="d", split="dev", type="absent", question="Who?", absent_terms=["Albania"]),
        good.model_copy(update={"id": "e", "type": "bridge", "bridge": "Tirana", "question": "Is Tirana big?"}),
    ]
    problems = validate(wrong, articles)
    for expected in (
        "a (single): quote not verbatim",
        "b (single): no accepted answer",
        "c (single): no article",
        "d (absent): the absent term 'Albania'",
        "e (bridge)",
    ):
        assert any(p.startswith(expected) for p in problems), (expected, problems)


def test_a_malformed_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps({"id": "x", "split": "dev", "type": "single", "question": "?"}) + "\n{not json\n")
    with pytest.raises(EvaluationDataError, match=r"questions.jsonl:2"):
        load_prose(path)
    path.write_text(json.dumps({"id": "x", "split": "train", "type": "single", "question": "?"}) + "\n")
    with pytest.raises(EvaluationDataError, match=r"questions.jsonl:1"):
        load_prose(path)


def test_the_runner_gets_one_set_per_type_with_document_ids(articles: dict[str, Article]) -> None:
    sets = as_eval_questions(load_prose(PROSE_QUESTIONS, splits=("dev",)), articles)
    assert list(sets) == ["single", "bridge", "comparison", "absent"]
    ids = {a.id for a in articles.values()}
    for name, questions in sets.items():
        for question in questions:
            assert set(question.supporting) <= ids
            assert (name == "absent") == (not question.answers and not question.supporting)
            if name in ("bridge", "comparison"):
                assert len(question.supporting) == 2
