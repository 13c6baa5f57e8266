"""DataLoaders over the real server: nested fields of many parents cost one named query per batch, not one each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from retrieval import Retriever
from tests.support_graphql import data


@pytest.fixture
def counted(retriever: Retriever) -> Iterator[Counter[str]]:
    """Names of the queries the store runs during the test (the real store, counted on the way through)."""
    names: Counter[str] = Counter()
    real = retriever.store.query

    def query(name: str, **parameters: Any) -> Any:
        names[name] += 1
        return real(name, **parameters)

    retriever.store.query = query  # type: ignore[method-assign]
    try:
        yield names
    finally:
        del retriever.store.query


def test_relations_of_a_page_of_entities_are_one_query(api_url: str, counted: Counter[str]) -> None:
    page = data(api_url, "{ entities(first: 20) { edges { node { id relations(first: 2) { triple } } } } }")
    assert len(page["entities"]["edges"]) == 20
    assert counted["retrieval_relations"] == 1


def test_documents_of_citations_and_chunks_are_batched(api_url: str, counted: Counter[str]) -> None:
    query = '{ search(text: "Albania capital Tirana", k: 6) { chunk { id document { id title } } } }'
    hits = data(api_url, query)["search"]
    assert len({hit["chunk"]["document"]["id"] for hit in hits}) >= 1
    assert counted["api_documents_by_ids"] == 1
