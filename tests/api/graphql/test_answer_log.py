"""The answer log and ratings over real HTTP in GraphQL: an answer has an id, any key that may ask rates it, only
write keys read the log, bad ratings are OperationErrors that say what to fix, and the log outlives the server."""

from __future__ import annotations

import uuid

import httpx

from tests.support_api import READ_KEY, WRITE_KEY, serving
from tests.support_graphql import data, gql, subscribe
from trellis.api.app import create_app
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever
from trellis.retrieval.types import DEFAULT_K

ASK = "query($q: String!) { ask(question: $q) { id text model } }"
RATE = """mutation($id: ID!, $rating: Rating!, $correction: String, $comment: String) {
  rateAnswer(answerId: $id, rating: $rating, correction: $correction, comment: $comment) {
    __typename
    ... on AnswerRated { id answerId rating correction comment at }
    ... on OperationError { code message }
  }
}"""
LOG = """query($filter: AnswerFilter, $first: Int!, $after: String) {
  answers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id question text model interface keyName rating correction comment ratings
                          citations { number chunkId gone } timings { stage seconds } retrieval } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _rate(url: str, answer_id: str, rating: str, key: str = READ_KEY, **extra: str) -> dict[str, str]:
    result: dict[str, str] = data(url, RATE, {"id": answer_id, "rating": rating, **extra}, key=key)["rateAnswer"]
    return result


def test_an_answer_is_logged_rated_by_a_read_key_and_listed_for_write_keys(api_url: str) -> None:
    asked = data(api_url, ASK, {"q": "What is the capital of Albania?"}, key=READ_KEY)["ask"]
    assert asked["id"].startswith("ans-") and asked["text"].startswith("Tirana")

    rated = _rate(api_url, asked["id"], "DOWN", correction="Tirana, on the Ishëm", comment="say the river")
    assert rated["__typename"] == "AnswerRated" and rated["answerId"] == asked["id"]
    assert (rated["rating"], rated["correction"], rated["comment"]) == ("DOWN", "Tirana, on the Ishëm", "say the river")

    refused = gql(api_url, LOG, {"first": 5}, key=READ_KEY)
    assert refused.status_code == 403
    assert "write" in refused.json()["errors"][0]["message"] and not refused.json().get("data")

    page = data(api_url, LOG, {"first": 100, "filter": {"corrected": True, "interface": "graphql"}})["answers"]
    node = next(edge["node"] for edge in page["edges"] if edge["node"]["id"] == asked["id"])
    assert node["question"] == "What is the capital of Albania?" and node["text"] == asked["text"]
    assert (node["rating"], node["correction"], node["ratings"], node["interface"]) == (
        "DOWN", "Tirana, on the Ishëm", 1, "graphql"
    )  # fmt: skip
    assert node["keyName"].startswith("key-") and "read" in node["keyName"] and READ_KEY not in node["keyName"]
    assert node["citations"] and not any(c["gone"] for c in node["citations"])
    assert node["timings"] and f'"k": {DEFAULT_K}' in node["retrieval"]

    up = _rate(api_url, asked["id"], "UP", key=WRITE_KEY)
    assert up["__typename"] == "AnswerRated"
    metrics = httpx.get(f"{api_url}/metrics", timeout=30).text
    assert f'trellis_answer_ratings_total{{model="{asked["model"]}",rating="down"}}' in metrics
    assert f'trellis_answer_ratings_total{{model="{asked["model"]}",rating="up"}}' in metrics


def test_pages_of_the_log_follow_their_cursors(api_url: str) -> None:
    for question in ("What is the capital of Albania?", "Who founded Microsoft?", "Where is Tirana?"):
        data(api_url, ASK, {"q": question}, key=READ_KEY)
    first = data(api_url, LOG, {"first": 2})["answers"]
    assert len(first["edges"]) == 2 and first["pageInfo"]["hasNextPage"]
    second = data(api_url, LOG, {"first": 2, "after": first["pageInfo"]["endCursor"]})["answers"]
    seen = [e["node"]["id"] for e in first["edges"]]
    assert second["edges"] and not {e["node"]["id"] for e in second["edges"]} & set(seen)
    bad = gql(api_url, LOG, {"first": 2, "after": "not-a-cursor"}).json()
    assert "not a cursor of the answer log" in bad["errors"][0]["message"]


def test_bad_ratings_are_operation_errors_that_say_what_to_fix(api_url: str) -> None:
    asked = data(api_url, ASK, {"q": "What is the capital of Albania?"}, key=READ_KEY)["ask"]
    forged = _rate(api_url, f"ans-{uuid.uuid4().hex}", "UP")
    assert forged["code"] == "NOT_FOUND" and "no answer with id" in forged["message"]
    for malformed in ("ans-123", "'; MATCH (n) DETACH DELETE n //", "chatcmpl-" + "z" * 32):
        refused = _rate(api_url, malformed, "UP")
        assert refused["code"] == "INVALID_ARGUMENT" and "not an answer id" in refused["message"], malformed
    empty = _rate(api_url, asked["id"], "DOWN", correction="")
    assert empty["code"] == "INVALID_ARGUMENT" and "'correction' is empty" in empty["message"]
    huge = _rate(api_url, asked["id"], "DOWN", correction="x" * 100_000)
    assert huge["code"] == "INVALID_ARGUMENT" and "100,000 characters" in huge["message"]
    assert len(huge["message"]) < 200
    unknown_rating = gql(api_url, RATE, {"id": asked["id"], "rating": "SIDEWAYS"}, key=READ_KEY).json()
    assert "SIDEWAYS" in unknown_rating["errors"][0]["message"]
    no_key = gql(api_url, RATE, {"id": asked["id"], "rating": "UP"}, key=None)
    assert no_key.status_code == 401


def test_the_log_survives_a_restart_of_the_server(api_settings: Settings, session_retriever: Retriever) -> None:
    with serving(create_app(api_settings, retriever=session_retriever)) as url:
        answer_id = data(url, ASK, {"q": "What is the capital of Albania?"}, key=READ_KEY)["ask"]["id"]
    # a new app: nothing of the first one's memory; the answer was written before it stopped
    with serving(create_app(api_settings, retriever=session_retriever)) as url:
        listed = data(url, LOG, {"first": 20})["answers"]["edges"]
        assert answer_id in [edge["node"]["id"] for edge in listed]
        assert _rate(url, answer_id, "UP")["__typename"] == "AnswerRated"


def test_a_streamed_answer_is_logged_too(api_url: str) -> None:
    stream = "subscription($q: String!) { askStream(question: $q) { token answer { id text } } }"
    messages = subscribe(
        api_url, stream, {"q": "What is the capital of Albania?"}, init={"Authorization": f"Bearer {READ_KEY}"}
    )
    answers = [m["payload"]["data"]["askStream"]["answer"] for m in messages if m["type"] == "next"]
    final = next(a for a in answers if a)
    assert final["id"].startswith("ans-")
    assert _rate(api_url, final["id"], "UP")["__typename"] == "AnswerRated"
