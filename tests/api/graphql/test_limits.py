"""Hostile input over the real server: injection strings in every argument, alias bombs, deep nesting, costly
pages, huge lists and bodies. Each is refused with a clear error or handled as plain data; none is executed."""

from __future__ import annotations

import json

import pytest

from tests.support_api import READ_KEY, WRITE_KEY
from tests.support_graphql import gql
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.retrieval import Retriever

INJECTIONS = [
    '"}) MATCH (n) DETACH DELETE n //',
    "x' OR 1=1 WITH 1 AS x CREATE (:Pwned {id: 'pwned'}) //",
    '\\"}) CREATE (:Pwned {id: "pwned"}) RETURN 1 //',
    "`Entity`) DETACH DELETE e //",
    "CALL apoc.cypher.runWrite('CREATE (:Pwned)', {}) YIELD value RETURN value",
    'name:(a OR b)~ "x',
    "*:* AND NOT title:[* TO *] ^100 \\",
    "?*~/[]{}!&&||",
    "AND OR NOT TO",
    "\u0000\u001f\ud7ff\u202e",
    "$ids $limit {{ }} ${query}",
]

ARGUMENT_SITES = [
    "query($s: String!) { ask(question: $s) { text } }",
    "query($s: String!) { search(text: $s, k: 3) { score } }",
    "query($s: ID!) { entity(id: $s) { id relations { triple } } }",
    "query($s: String!) { entity(name: $s) { id } }",
    "query($s: String!) { entities(filter: {type: $s}) { totalCount } }",
    "query($s: String!) { entities(filter: {nameContains: $s}) { totalCount } }",
    "query($s: String!) { entities(after: $s) { totalCount } }",
    "query($s: ID!) { neighbors(entityId: $s) { center { id } } }",
    "query($s: ID!) { path(from: $s, to: $s) { length } }",
    "query($s: ID!) { document(id: $s) { id chunks { text } } }",
    "query($s: ID!) { job(id: $s) { id } }",
    "mutation($s: ID!) { deleteDocument(id: $s) { __typename } }",
]


def test_injection_strings_in_every_argument_are_data(api_url: str, retriever: Retriever) -> None:
    before = graph_fingerprint(retriever.store)
    for query in ARGUMENT_SITES:
        for text in INJECTIONS:
            response = gql(api_url, query, {"s": text}, key=WRITE_KEY)
            assert response.status_code < 500, (query, text, response.text)
            for error in response.json().get("errors") or []:
                assert error["message"] and "Traceback" not in error["message"], (query, text, error)
                assert "Neo4j rejected" not in error["message"], (query, text, error)
    assert graph_fingerprint(retriever.store) == before
    assert retriever.store.run_text("MATCH (n:Pwned) RETURN count(n) AS n")[0]["n"] == 0


def test_alias_bombs_are_refused(api_url: str) -> None:
    bomb = "{ " + " ".join(f"a{i}: stats {{ documents }}" for i in range(200)) + " }"
    body = gql(api_url, bomb, key=READ_KEY).json()
    assert body.get("data") is None and "aliases" in body["errors"][0]["message"].lower()


def test_deep_nesting_is_refused(api_url: str) -> None:
    inner = "id"
    for _ in range(12):
        inner = f"relations {{ subject {{ {inner} }} }}"
    body = gql(api_url, f'{{ entity(name: "Tirana") {{ {inner} }} }}', key=READ_KEY).json()
    assert body.get("data") is None and "depth" in body["errors"][0]["message"].lower()


def test_costly_pages_are_refused_before_running(api_url: str) -> None:
    query = (
        "{ entities(first: 100) { edges { node { relations(first: 50) { evidence { chunk { document "
        "{ chunks(first: 100) { text } } } } } } } } }"
    )
    body = gql(api_url, query, key=READ_KEY).json()
    assert body.get("data") is None and "too costly" in body["errors"][0]["message"]


def test_long_documents_are_refused_by_the_token_limit(api_url: str) -> None:
    query = "{ " + " ".join("stats { documents chunks entities relationships }" for _ in range(400)) + " }"
    body = gql(api_url, query, key=READ_KEY).json()
    assert body.get("data") is None and "token" in body["errors"][0]["message"].lower()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{ search(text: "x", k: 1000000) { score } }', "'k' must be between 1 and"),
        ('{ search(text: "x", k: -1) { score } }', "'k' must be between 1 and"),
        ("{ entities(first: 0) { totalCount } }", "'first' must be between 1 and"),
        ('{ entities(after: "bm9wZQ==") { totalCount } }', "not a cursor"),
        ('{ neighbors(entityId: "x", hops: 9) { center { id } } }', "'hops' must be between 1 and 3"),
        ('{ path(from: "a", to: "b", maxHops: 99) { length } }', "'maxHops' must be between 1 and 6"),
        ('{ ask(question: "x", options: {k: 0}) { text } }', "options.k"),
        ("{ documents(offset: -5) { id } }", "'offset'"),
        ('{ entity(id: "a", name: "b") { id } }', "exactly one"),
        ("{ entities(first: 99999999999) { totalCount } }", "Int cannot represent"),
    ],
)
def test_out_of_range_arguments_say_what_is_allowed(api_url: str, query: str, message: str) -> None:
    response = gql(api_url, query, key=READ_KEY)
    assert response.status_code < 500, response.text
    assert message in json.dumps(response.json()["errors"])


def test_long_questions_are_refused_with_the_limit(api_url: str) -> None:
    response = gql(api_url, "query($q: String!) { ask(question: $q) { text } }", {"q": "why " * 50_000}, key=READ_KEY)
    assert response.status_code == 200 and "the limit is 2,000" in response.json()["errors"][0]["message"]


def test_huge_lists_and_bodies_are_refused(api_url: str, retriever: Retriever) -> None:
    before = graph_fingerprint(retriever.store)
    many = [{"text": f"document {i}"} for i in range(5_000)]
    query = (
        "mutation($d: [DocumentInput!]!) { ingestDocuments(documents: $d) { ... on OperationError { code message } } }"
    )
    result = gql(api_url, query, {"d": many}).json()["data"]["ingestDocuments"]
    assert result["code"] == "INVALID_ARGUMENT" and "the limit is 100" in result["message"]
    huge = gql(api_url, query, {"d": [{"text": "x" * 3_000_000}]})
    assert huge.status_code == 413 and "larger than" in huge.json()["error"]
    assert graph_fingerprint(retriever.store) == before


def test_batches_are_refused(api_url: str) -> None:
    import httpx

    response = httpx.post(
        f"{api_url}/graphql",
        json=[{"query": "{ stats { documents } }"}] * 3,
        headers={"Authorization": f"Bearer {READ_KEY}"},
    )
    assert response.status_code == 400


def test_the_context_tokens_of_all_asks_in_a_request_are_capped(api_url: str) -> None:
    """Aliases cannot multiply the largest tokenBudget: the sum over a request's ask fields is refused past
    api_max_request_token_budget (32,768) before any answer runs, whether the budgets are literals or variables."""
    literal = (
        '{ a: ask(question: "Albania?", options: {tokenBudget: 32768}) { text } '
        'b: ask(question: "Tirana?", options: {tokenBudget: 32768}) { text } }'
    )
    spread = (
        'query($o: AskOptions, $t: Int = 20000) { a: ask(question: "Albania?", options: $o) { text } '
        '...More } fragment More on Query { b: ask(question: "Tirana?", options: {tokenBudget: $t}) { text } }'
    )
    for query, variables, asked in ((literal, {}, "65,536"), (spread, {"o": {"tokenBudget": 20000}}, "40,000")):
        response = gql(api_url, query, variables, key=READ_KEY)
        assert response.status_code < 500
        body = response.json()
        assert not body.get("data"), body
        [error] = body["errors"]
        assert error["extensions"]["code"] == "TOKEN_BUDGET_EXCEEDED", error
        assert f"{asked} context tokens across its 2 ask fields" in error["message"] and "32,768" in error["message"]
    one = gql(
        api_url, '{ ask(question: "What is the capital of Albania?", options: {tokenBudget: 32768}) { answerable } }'
    )
    assert one.json()["data"]["ask"]["answerable"], one.text
