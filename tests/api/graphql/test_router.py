"""Production mode over the real server: no GraphiQL, no introspection, internal errors masked; requests carry ids."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from kg.settings import Settings
from retrieval import Retriever
from tests.support_api import READ_KEY, serving
from tests.support_graphql import gql


@pytest.fixture(scope="module")
def production_url(api_settings: Settings, session_retriever: Retriever) -> Iterator[str]:
    with serving(
        create_app(api_settings.model_copy(update={"api_production": True}), retriever=session_retriever)
    ) as url:
        yield url


def test_production_has_no_graphiql_and_no_introspection(production_url: str) -> None:
    page = httpx.get(f"{production_url}/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    body = gql(production_url, "{ __schema { queryType { name } } }", key=READ_KEY).json()
    assert body.get("data") is None and "introspection" in body["errors"][0]["message"].lower()
    answer = gql(production_url, "{ stats { documents } }", key=READ_KEY).json()
    assert answer["data"]["stats"]["documents"] >= 1


def test_production_still_says_what_the_caller_got_wrong(production_url: str) -> None:
    body = gql(production_url, '{ search(text: "x", k: 0) { score } }', key=READ_KEY).json()
    assert "'k' must be between 1 and" in body["errors"][0]["message"]


def test_request_ids_are_echoed_or_made(api_url: str) -> None:
    given = httpx.get(f"{api_url}/healthz", headers={"X-Request-ID": "trace-42"})
    assert given.headers["x-request-id"] == "trace-42"
    made = httpx.get(f"{api_url}/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces" and len(made.headers["x-request-id"]) == 32
