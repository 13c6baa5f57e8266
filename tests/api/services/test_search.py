"""Search (hybrid passages) and retrieval (what answering reads) against the real graph and index."""

from __future__ import annotations

import pytest

from trellis.api.services.search import retrieve, search_passages
from trellis.retrieval import EmptyQuestionError, Retriever


def test_search_ranks_passages_by_dense_and_full_text_scores(retriever: Retriever) -> None:
    passages = search_passages(retriever, "Tirana capital", k=3)
    assert 1 <= len(passages) <= 3 and any("Tirana" in p.text for p in passages)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert all(p.dense is not None or p.fulltext is not None for p in passages)
    with pytest.raises(EmptyQuestionError):
        search_passages(retriever, "   ", k=3)


def test_retrieve_links_entities_and_ranks_passages_for_answering(retriever: Retriever) -> None:
    found = retrieve(retriever, "What is the capital of Albania?", k=2)
    assert 1 <= len(found.passages) <= 2 and "Albania" in {e.name for e in found.entities}
