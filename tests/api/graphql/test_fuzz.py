"""1000 operations generated from the schema (hypothesis-graphql) against the real server: no 5xx, and every
error is a GraphQL error with a message (no unhandled exception reaches the client)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from tests.support_api import READ_KEY, WRITE_KEY
from trellis.api.graphql import schema_sdl
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.retrieval import Retriever

SDL = schema_sdl()
CHEAP = ["search", "entity", "entities", "neighbors", "path", "documents", "document", "stats", "job"]
FUZZ = settings(
    max_examples=1000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)


def _check(client: httpx.Client, query: str, key: str) -> None:
    response = client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code < 500, (query, response.text)
    body = response.json()
    for error in body.get("errors") or []:
        assert error["message"] and "Traceback" not in error["message"], (query, error)


@pytest.mark.slow
def test_generated_operations_never_fail_the_server(api_url: str, retriever: Retriever) -> None:
    before = graph_fingerprint(retriever.store)
    queries = from_schema(SDL, fields=CHEAP)
    asks = from_schema(SDL, fields=["ask"])
    deletes = from_schema(SDL, fields=["deleteDocument"])
    # asks run the whole retrieval (slow): one operation in 50; deletions (write key) one in 25, the rest read
    operations = st.integers(min_value=0, max_value=49).flatmap(
        lambda i: (
            asks.map(lambda q: (q, READ_KEY))
            if i == 0
            else deletes.map(lambda q: (q, WRITE_KEY))
            if i <= 2
            else queries.map(lambda q: (q, READ_KEY))
        )
    )
    with httpx.Client(base_url=api_url, timeout=120) as client:

        @FUZZ
        @given(operation=operations)
        def run(operation: tuple[str, str]) -> None:
            _check(client, *operation)

        run()
    assert graph_fingerprint(retriever.store) == before
