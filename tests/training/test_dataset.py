"""Dataset generation against the real test Neo4j and the real retrieval pipeline (the small retrieval corpus)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trellis.kg.graph import GraphStore
from trellis.retrieval import Retriever
from trellis.retrieval.context import build_context
from trellis.retrieval.generators.base import NOT_IN_GRAPH
from trellis.retrieval.generators.prompts import chat_messages
from trellis.training.dataset import DatasetBuilder, DatasetOptions
from trellis.training.errors import EmptyGraphError, TooFewExamplesError
from trellis.training.storage import SPLITS, read_manifest, read_split
from trellis.training.types import Example

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dataset(session_retriever: Retriever, retrieval_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset built once for this module from the retrieval corpus (ingested again if another test emptied it)."""
    from trellis.kg.ingest.pipeline import IngestPipeline

    retriever = session_retriever
    if not retriever.store.query("retrieval_entity_fulltext", query="Tirana", limit=1):
        IngestPipeline(retriever.settings, store=retriever.store, embedder=retriever.embedder).ingest(
            [retrieval_corpus]
        )
        retriever.reload_indexes()
    folder = tmp_path_factory.mktemp("training") / "dataset"
    options = DatasetOptions(phrasings=1, max_examples=40, min_train=5, min_test=2, test_share=0.25)
    DatasetBuilder(retriever, options=options).write(folder)
    return folder


def _all(folder: Path) -> list[Example]:
    return [example for split in SPLITS for example in read_split(folder, split)]


def test_examples_use_the_query_time_context_and_prompt(retriever: Retriever, dataset: Path) -> None:
    examples = _all(dataset)
    options = read_manifest(dataset).options
    for example in [e for e in examples if e.answerable][:3] + [e for e in examples if not e.answerable][:2]:
        found = retriever.retrieve(example.question, options=options)
        context = build_context(found.question, found.passages, found.facts, token_budget=options.token_budget,
                                count_tokens=retriever.embedder.count_tokens)  # fmt: skip
        assert context.text == example.context
        assert example.messages == chat_messages(example.question, context)
        for number in map(int, re.findall(r"\[(\d+)\]", example.target)):
            citation = context.citation(number)
            assert citation is not None
            assert any(citation.chunk_id in relation.chunk_ids for relation in example.relations)


_TARGET = re.compile(r"(?P<answer>[^\[\]]+) (?P<marks>(?:\[\d+\])+)")
_TEMPLATE_WORDS = re.compile(r"[A-Z]{2,}_[A-Z]|\b(entity|entities|relation|according to the graph)\b", re.I)


def test_questions_are_natural_and_targets_are_cited_spans_or_abstain_exactly(dataset: Path) -> None:
    examples = _all(dataset)
    kinds = {e.kind for e in examples}
    assert {"single_hop", "unanswerable"} <= kinds, kinds
    for example in examples:
        assert not _TEMPLATE_WORDS.search(example.question), example.question
        if example.answerable:
            target = _TARGET.fullmatch(example.target)
            assert target is not None and target["answer"] == example.answer, example.target  # no printed triple
            assert [int(n) for n in re.findall(r"\d+", target["marks"])] == example.citations
            assert len(example.answer.split()) <= 12, "a short span, not a sentence"
        else:
            assert example.target == NOT_IN_GRAPH
            assert not example.citations


def test_answers_are_read_from_the_evidence_passage_as_it_writes_them(retriever: Retriever, dataset: Path) -> None:
    answerable = [e for e in _all(dataset) if e.answerable]
    assert answerable
    for example in answerable:
        lines = {int(m[1]): m[2] for m in re.finditer(r"^\[(\d+)\] (.*)$", example.context, re.MULTILINE)}
        evidence = {chunk for relation in example.relations for chunk in relation.chunk_ids}
        rows = retriever.store.query("retrieval_chunks", ids=sorted(evidence))
        texts = [" ".join(row["text"].split()) for row in rows]
        for name in re.split(r", | and ", example.answer):
            assert any(name in text for text in texts), f"{name!r} is written in an evidence chunk"
            assert any(name in lines.get(n, "") for n in example.citations), f"{name!r} is in a cited passage"


def test_split_is_by_entity_and_stats_add_up(dataset: Path) -> None:
    def entities(split: str) -> set[str]:
        return {name for e in read_split(dataset, split) for name in (e.anchor, *e.entities)}  # type: ignore[arg-type]

    assert read_split(dataset, "train") and read_split(dataset, "test")
    assert not entities("test") & entities("train")
    assert not entities("dev") & entities("train")
    stats = json.loads((dataset / "stats.json").read_text())
    assert stats["total"] == len(_all(dataset)) == sum(stats["splits"].values())
    assert sum(sum(counts.values()) for counts in stats["kinds"].values()) == stats["total"]
    assert sum(sum(counts.values()) for counts in stats["predicates"].values()) == stats["total"]
    assert stats["data_hash"] == read_manifest(dataset).data_hash


def test_too_few_examples_refused_before_writing(retriever: Retriever, tmp_path: Path) -> None:
    options = DatasetOptions(phrasings=1, max_examples=6, min_train=50)
    with pytest.raises(TooFewExamplesError, match="at least 50"):
        DatasetBuilder(retriever, options=options).write(tmp_path / "dataset")
    assert not (tmp_path / "dataset").exists()


def test_empty_graph_is_refused(  # last: it empties the shared graph
    retriever: Retriever, empty_graph: GraphStore, tmp_path: Path
) -> None:
    with pytest.raises(EmptyGraphError, match="trellis ingest"):
        DatasetBuilder(retriever).write(tmp_path / "dataset")
    assert not (tmp_path / "dataset").exists()
