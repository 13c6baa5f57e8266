"""``POST /v1/feedback`` over real HTTP: a chat client rates an answer by the completion id it got (whole or
streamed), and bad bodies, ids and corrections get OpenAI-style 4xx errors."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import openai

from tests.support_api import READ_KEY
from trellis.api.services.answers import answers_by_ids
from trellis.retrieval import Retriever

CAPITAL = "What is the capital of Albania?"


def _feedback(url: str, body: Any, *, key: str | None = READ_KEY) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(f"{url}/v1/feedback", json=body, headers=headers, timeout=60)


def test_a_chat_answer_is_rated_by_its_completion_id(api_url: str, retriever: Retriever) -> None:
    client = openai.OpenAI(base_url=f"{api_url}/v1", api_key=READ_KEY, max_retries=0, timeout=120)
    completion = client.chat.completions.create(model="trellis", messages=[{"role": "user", "content": CAPITAL}])
    rated = _feedback(api_url, {"id": completion.id, "rating": "down", "correction": "Tirana", "comment": "ok-ish"})
    assert rated.status_code == 200, rated.text
    body = rated.json()
    assert (body["object"], body["completion_id"], body["rating"], body["correction"]) == (
        "feedback", completion.id, "down", "Tirana"
    )  # fmt: skip
    [logged] = answers_by_ids(retriever.store, [completion.id])
    assert logged.interface == "chat" and logged.question == CAPITAL and logged.rating == "DOWN"
    assert (completion.choices[0].message.content or "").startswith(logged.text)

    stream = client.chat.completions.create(
        model="trellis", messages=[{"role": "user", "content": CAPITAL}], stream=True
    )
    ident = {chunk.id for chunk in stream}
    assert len(ident) == 1
    assert _feedback(api_url, {"id": ident.pop(), "rating": "up"}).status_code == 200


def test_bad_feedback_gets_openai_style_errors(api_url: str) -> None:
    unknown = _feedback(api_url, {"id": f"chatcmpl-{uuid.uuid4().hex}", "rating": "up"})
    assert unknown.status_code == 404 and "no answer with id" in unknown.json()["error"]["message"]
    cases: list[tuple[Any, str]] = [
        ({"id": "chatcmpl-123", "rating": "up"}, "not an answer id"),
        ({"id": f"chatcmpl-{uuid.uuid4().hex}", "rating": "meh"}, "UP or DOWN"),
        ({"id": f"chatcmpl-{uuid.uuid4().hex}", "rating": "down", "correction": ""}, "'correction' is empty"),
        ({"id": f"chatcmpl-{uuid.uuid4().hex}", "rating": "down", "correction": "x" * 100_000}, "100,000 characters"),
        ({"rating": "up"}, "'id' is required"),
        ({"id": 5, "rating": "up"}, "'id' is required"),
        ({"id": f"chatcmpl-{uuid.uuid4().hex}", "rating": "up", "stars": 5}, "unknown field 'stars'"),
        (["not", "an", "object"], "JSON object"),
    ]
    for body, problem in cases:
        response = _feedback(api_url, body)
        assert response.status_code == 400, (body, response.text)
        error = response.json()["error"]
        assert error["type"] == "invalid_request_error" and problem in error["message"], error
    broken = httpx.post(
        f"{api_url}/v1/feedback", content=b"{not json", headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=30
    )
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]["message"]
    assert _feedback(api_url, {"id": "chatcmpl-1", "rating": "up"}, key=None).status_code == 401
