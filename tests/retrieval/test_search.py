"""Hybrid passage search: reciprocal rank fusion, and dense + full-text search on the real corpus."""

from __future__ import annotations

import pytest

from trellis.retrieval import Retriever
from trellis.retrieval.search import RRF_K, PassageSearch, fetch_passages, reciprocal_rank_fusion


def test_rrf_sums_reciprocal_ranks_with_k_60() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a"]])
    assert RRF_K == 60
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 63)
    assert list(fused) == ["a", "b", "c"]  # ties keep first appearance


def test_rrf_prefers_items_found_by_both_lists() -> None:
    fused = reciprocal_rank_fusion([["x", "shared"], ["y", "shared"]])
    assert next(iter(fused)) == "shared"


def test_rrf_weights_and_duplicates() -> None:
    fused = reciprocal_rank_fusion([["a", "a", "b"], ["b"]], weights=[1.0, 2.0], k=1)
    assert fused == {"b": pytest.approx(1 / 3 + 2 / 2), "a": pytest.approx(1 / 2)}
    with pytest.raises(ValueError, match="weights"):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])
    assert reciprocal_rank_fusion([]) == {}


def test_hybrid_search_finds_the_capital_passage(retriever: Retriever) -> None:
    search = PassageSearch(store=retriever.store, index=retriever.chunk_index)
    question = "What is the capital of Albania?"
    passages = search.run(question, retriever.embedder.embed([question])[0])
    assert passages and any("Tirana is the capital of Albania" in p.text for p in passages[:3])
    assert all(p.text and p.document_id for p in passages)
    assert any(p.dense is not None and p.fulltext is not None for p in passages)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Albania?", "Who was Aristotle's teacher?", "the of and", 'name:(a OR b)~ "x'],
)
def test_one_round_trip_finds_what_the_two_step_search_found(retriever: Retriever, question: str) -> None:
    """run() asks Neo4j once (full-text hits and passages together); the result is the full-text query followed
    by a passage fetch, as it was."""
    search = PassageSearch(store=retriever.store, index=retriever.chunk_index, candidates=8)
    vector = retriever.embedder.embed([question])[0]
    dense, text = search.dense(vector), search.fulltext(question)
    fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in text]])
    found = fetch_passages(retriever.store, fused)
    expected = [
        found[i].model_copy(update={"dense": dict(dense).get(i), "fulltext": dict(text).get(i), "score": score})
        for i, score in fused.items()
        if i in found
    ]
    assert search.run(question, vector) == expected
    hits, passages = search.fulltext_with_passages(question, [i for i, _ in dense])
    assert hits == text and set(passages) == set(found)
