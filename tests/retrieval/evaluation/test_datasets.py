"""The shipped evaluation sets are well formed: every supporting document exists, every answer is in its support;
and a question file of one's own is read by type and split, or refused with the line and what is wrong."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.support import REPO
from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR, load_questions, load_sets
from trellis.retrieval.evaluation.datasets import load_question_file
from trellis.retrieval.evaluation.metrics import normalize_answer


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


def _write(path: Path, *lines: dict[str, object] | str) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


GOLD = [
    {"id": "g1", "question": "Capital of A?", "answers": ["X"], "supporting": ["doc-a"], "type": "capital"},
    {"id": "g2", "question": "Who led B?", "answers": ["Y"], "quotes": ["led by Y"], "type": "leader", "split": "dev"},
    {"id": "g3", "question": "Capital of C?", "answers": ["Z"], "supporting": ["doc-c"], "kind": "capital"},
    {"id": "g4", "question": "Who won the cup?", "answers": [], "split": "test"},
]


def test_a_question_file_groups_by_type_and_keeps_the_split_asked(tmp_path: Path) -> None:
    path = _write(tmp_path / "gold.jsonl", *GOLD, "")
    every = load_question_file(path, splits=("dev", "test"))
    assert {kind: [q.id for q in questions] for kind, questions in every.items()} == {
        "capital": ["g1", "g3"],  # `type` and `kind` name the same field
        "leader": ["g2"],
        "gold": ["g4"],  # untyped questions go under the file's name
    }
    assert every["leader"][0].quotes == ["led by Y"] and every["gold"][0].answers == []
    test = load_question_file(path, splits=("test",), limit=1)
    assert {kind: [q.id for q in questions] for kind, questions in test.items()} == {"capital": ["g1"], "gold": ["g4"]}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "q", "question": "Why?", "answers": ["x"], "supporting": ["d"]', "not valid JSON"),
        ({"id": "q", "answers": ["x"], "supporting": ["d"]}, "question: Field required"),
        ({"id": "q", "question": "Why?", "answer": ["x"], "supporting": ["d"]}, "answer: Extra inputs"),
        ({"id": "q", "question": "Why?", "answers": "x", "supporting": ["d"]}, "answers: Input should be a valid list"),
        ({"id": "q", "question": "Why?", "answers": ["x"]}, "needs supporting document ids or evidence quotes"),
        ({"id": "q", "question": "Why?", "answers": [], "split": "train"}, "split: Input should be 'dev' or 'test'"),
        ('["a list"]', "the line: Input should be a valid dictionary"),
        ({"id": "g1", "question": "Again?", "answers": []}, "duplicate id 'g1' (first on line 1)"),
    ],
)
def test_a_malformed_question_file_names_the_line_and_the_problem(
    tmp_path: Path, line: dict[str, object] | str, expected: str
) -> None:
    path = _write(tmp_path / "gold.jsonl", GOLD[0], "", line, GOLD[2])
    with pytest.raises(EvaluationDataError) as raised:
        load_question_file(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:3: ") and expected in message, message
    assert "\n" not in message, "one line"


def test_an_empty_or_missing_question_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvaluationDataError, match="no question set at"):
        load_question_file(tmp_path / "missing.jsonl")
    with pytest.raises(EvaluationDataError, match=r"holds no question$"):
        load_question_file(_write(tmp_path / "empty.jsonl", ""))
    only_dev = _write(tmp_path / "dev.jsonl", GOLD[1])
    with pytest.raises(EvaluationDataError, match="holds no question of the test split"):
        load_question_file(only_dev, splits=("test",))
