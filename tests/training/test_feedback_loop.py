"""The feedback loop, scripted: twenty questions asked of the graph and logged, rated by a user who knows the answers
(wrong ones corrected, one right answer down-voted anyway), a dataset built with the log's feedback, a few steps of
fine-tuning on it, and the rated answers asked again. The dataset must hold every usable correction as a train
example whose citation points at a passage of the graph that writes the answer, and no down-voted answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.training.loop_questions import QUESTIONS
from trellis.api.services.answers import AnswerLog
from trellis.api.services.feedback import checked_rating, rate_answer
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever
from trellis.retrieval.context import build_context
from trellis.training.dataset import DatasetBuilder, DatasetOptions
from trellis.training.feedback import FEEDBACK_PREDICATE, _matches, evaluate_rated, rated_answers
from trellis.training.finetune import FinetuneConfig, finetune
from trellis.training.metrics import normalise
from trellis.training.storage import read_split

DISPUTED = "Where was Albert Einstein born?"
"""Answered right (Ulm), and down-voted without a correction all the same: that answer must not be taught."""


@pytest.fixture
def rated_log(retriever: Retriever) -> dict[str, str]:
    """The twenty questions asked and rated; returns each corrected question's correction."""
    retriever.store.run_text("MATCH (n) WHERE n:Answer OR n:Feedback DETACH DELETE n", write=True)  # this log only
    log = AnswerLog(retriever.store, retriever.settings)
    corrected: dict[str, str] = {}
    for question, gold in QUESTIONS:
        answer = retriever.answer(question)
        answer_id = log.record(answer, interface="graphql", key_name="loop-test")
        assert answer_id is not None
        right = answer.answerable and _matches(answer.span or answer.text, gold)
        if question == DISPUTED:
            rating = checked_rating(answer_id, "DOWN", comment="I read otherwise", most=4_000)
        elif right:
            rating = checked_rating(answer_id, "UP", most=4_000)
        else:
            rating = checked_rating(answer_id, "DOWN", correction=gold, most=4_000)
            corrected[question] = gold
        rate_answer(retriever.store, log, rating, interface="graphql", key_name="loop-test", key_id="t")
    log.close()
    return corrected


def test_corrections_become_train_examples_with_valid_citations_and_down_votes_stay_out(
    retriever: Retriever, rated_log: dict[str, str], tmp_path: Path, tiny_model: Path
) -> None:
    assert len(rated_log) >= 5, "the extractive generator gets several of these wrong: the loop has work to do"
    options = DatasetOptions(feedback=True, phrasings=1, max_examples=200, min_train=5, min_test=1, seed=1)
    builder = DatasetBuilder(retriever, options=options)
    folder = tmp_path / "dataset"
    _, stats = builder.write(folder)
    train = read_split(folder, "train")
    held_out = read_split(folder, "dev") + read_split(folder, "test")

    gold = {example.question: example for example in train if example.predicate == FEEDBACK_PREDICATE}
    unusable = sum(v for k, v in stats.dropped.items() if k.startswith("feedback_"))
    assert set(gold) <= set(rated_log) and len(gold) + unusable == len(rated_log), stats.dropped
    assert len(gold) >= 4, stats.dropped
    assert not any(example.predicate == FEEDBACK_PREDICATE for example in held_out)
    for question, example in gold.items():
        assert normalise(example.answer) == normalise(rated_log[question]), example.target
        assert example.target.startswith(example.answer) and example.citations
        # The citations, checked against the graph: retrieval today gives the same context, whose [n] is a chunk
        # the graph holds and whose text writes the corrected answer.
        found = retriever.retrieve(question, options=options.retrieval)
        context = build_context(
            found.question, found.passages, found.facts, token_budget=options.retrieval.token_budget,
            count_tokens=retriever.embedder.count_tokens,
        )  # fmt: skip
        assert context.text == example.context
        for number in example.citations:
            citation = context.citation(number)
            assert citation is not None and f"[{number}]" in example.target
            [row] = retriever.store.query("retrieval_chunks", ids=[citation.chunk_id])
            assert example.answer in " ".join(row["text"].split())
    everything = train + held_out
    assert not any(e.question == q and e.predicate != FEEDBACK_PREDICATE for e in everything for q in gold)
    assert not any(normalise(e.question) == normalise(DISPUTED) and e.answer == "Ulm" for e in everything)

    # A few steps on the tiny model: the dataset with its gold examples trains.
    settings = Settings(
        data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", llm_model=str(tiny_model), device="cpu"
    )
    config = FinetuneConfig(base_model=tiny_model, max_steps=2, batch_size=2, max_length=256, eval_examples=0)
    metadata = finetune(settings, folder, config=config)
    assert len(gold) <= metadata.examples["train"] <= len(train)  # unanswerables are capped, gold ones answerable
    assert (metadata.adapter / "adapter_config.json").is_file()


def test_the_rated_answers_are_a_question_set_for_the_current_model(
    retriever: Retriever, rated_log: dict[str, str]
) -> None:
    rated = rated_answers(retriever.store)
    assert len(rated) == len(QUESTIONS)
    report = evaluate_rated(retriever, rated)
    assert (report.questions, report.corrected) == (len(QUESTIONS), len(rated_log))
    assert report.corrected_right == 0, "the same generator gives the same wrong answers"
    assert report.up_voted_same == report.up_voted == len(QUESTIONS) - len(rated_log) - 1
    assert (report.down_voted, report.down_voted_changed) == (1, 0)
    assert {o.question for o in report.outcomes if o.correction} == set(rated_log)
