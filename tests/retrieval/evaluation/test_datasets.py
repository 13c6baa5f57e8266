"""The shipped evaluation sets are well formed: every supporting document exists, every answer is in its support."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from retrieval.errors import EvaluationDataError
from retrieval.evaluation import DEFAULT_EVAL_DIR, load_questions, load_sets
from retrieval.evaluation.metrics import normalize_answer
from tests.support import REPO


def _says(text: str, answers: list[str]) -> bool:
    """Whether ``text`` holds one of the answers as whole words (after SQuAD normalisation)."""
    return any(f" {normalize_answer(a)} " in f" {normalize_answer(text)} " for a in answers)


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    lines = (DEFAULT_EVAL_DIR / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    documents = [json.loads(line) for line in lines if line.strip()]
    assert len({d["id"] for d in documents}) == len(documents), "document ids are unique"
    return {d["id"]: d["text"] for d in documents}


def test_the_sets_are_shipped_with_attribution() -> None:
    assert DEFAULT_EVAL_DIR == REPO / "data" / "eval"
    attribution = (DEFAULT_EVAL_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution and "CC BY-SA" in attribution


@pytest.mark.parametrize("name", ["multihop", "singlehop"])
def test_every_question_is_supported_by_documents_of_the_corpus(corpus: dict[str, str], name: str) -> None:
    questions = load_questions(DEFAULT_EVAL_DIR / f"{name}.jsonl")
    assert len(questions) >= 40 and len({q.id for q in questions}) == len(questions)
    for question in questions:
        assert all(doc in corpus for doc in question.supporting), question.id
        support = " ".join(corpus[doc] for doc in question.supporting)
        assert _says(support, question.answers), question.id
        if question.evidence is not None:
            assert question.evidence in support, question.id


def test_multihop_questions_need_two_fact_documents(corpus: dict[str, str]) -> None:
    questions = load_questions(DEFAULT_EVAL_DIR / "multihop.jsonl")
    assert Counter(q.kind for q in questions).keys() >= {"capital_population", "capital_currency", "capital_continent"}
    for question in questions:
        assert len(question.supporting) == 2 and all(doc.startswith("geo-") for doc in question.supporting)
        bridge, answer = (corpus[doc] for doc in question.supporting)
        # the first document leads from the question's entity to the bridge, the second holds the answer
        assert _says(answer, question.answers), question.id
        assert not _says(bridge, question.answers) or question.id == "mh-ZA-continent", question.id  # South Africa


def test_the_corpus_mixes_one_fact_documents_with_wikipedia_articles(corpus: dict[str, str]) -> None:
    facts = [text for doc, text in corpus.items() if doc.startswith("geo-")]
    articles = [doc for doc in corpus if doc.startswith("enwiki-")]
    assert len(facts) >= 200 and len(articles) >= 30
    assert all(text.count(".") == 1 for text in facts if "," not in text), "one fact, one sentence, per document"


def test_load_sets_limits_and_a_bad_file_is_named(tmp_path: Path) -> None:
    sets = load_sets(limit=3)
    assert set(sets) == {"multihop", "singlehop"} and all(len(q) == 3 for q in sets.values())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q1", "answers": ["x"], "supporting": ["d"]}\n', encoding="utf-8")  # no question
    with pytest.raises(EvaluationDataError, match=r"bad\.jsonl:1"):
        load_questions(bad)
    with pytest.raises(EvaluationDataError, match="build_eval_sets"):
        load_questions(tmp_path / "missing.jsonl")
