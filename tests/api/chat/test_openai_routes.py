"""The OpenAI-compatible route over real HTTP: the openai SDK and LangChain's ChatOpenAI, unchanged, get cited answers
from the graph; bad requests get OpenAI-style 4xx errors, never 5xx."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI

from tests.support_api import READ_KEY, WRITE_KEY
from trellis.retrieval import Retriever

CAPITAL = "What is the capital of Albania?"


@pytest.fixture
def client(api_url: str, retriever: Retriever) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{api_url}/v1", api_key=READ_KEY, max_retries=0, timeout=120)


def _cited_chunks(content: str) -> list[str]:
    return re.findall(r"chunk `([^`]+)`", content)


def _assert_cited_answer(content: str, retriever: Retriever) -> None:
    answer, _, sources = content.partition("\n\nSources:\n")
    cited = re.findall(r"\[(\d+)\]", answer)  # the passage that states it, wherever it ranks
    assert answer.startswith("Tirana") and cited
    assert sources.startswith("[1] ") and all(f"[{number}] " in sources for number in cited)
    rows = retriever.store.query("retrieval_chunks", ids=_cited_chunks(sources))
    assert rows and any("Tirana is the capital of Albania" in row["text"] for row in rows)
    assert all(f"document `{row['document_id']}`" in sources for row in rows)


def test_the_openai_sdk_gets_a_cited_answer(client: openai.OpenAI, retriever: Retriever) -> None:
    completion = client.chat.completions.create(model="trellis", messages=[{"role": "user", "content": CAPITAL}])
    message = completion.choices[0].message
    assert completion.object == "chat.completion" and completion.id.startswith("chatcmpl-")
    assert completion.model == "extractive" and completion.choices[0].finish_reason == "stop"
    assert message.role == "assistant" and message.content is not None
    _assert_cited_answer(message.content, retriever)
    notes = message.annotations or []
    assert notes and notes[0].type == "url_citation"
    first = notes[0].url_citation
    assert message.content[first.start_index : first.end_index] == "[1]"
    assert first.url.startswith("trellis://documents/") and first.url.endswith(quote(first.model_extra["chunk_id"]))
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    extension: dict[str, Any] = completion.model_extra["trellis"]
    assert extension["browser_url"] is None, "a read key is not shown the server's Bolt and Browser addresses"
    assert extension["answerable"] and ["Tirana", "CAPITAL_OF", "Albania"] in [
        [r["subject"], r["predicate"], r["object"]] for r in extension["relations"]
    ]


def test_the_operator_gets_the_browser_link_whole_and_streamed(api_url: str, retriever: Retriever) -> None:
    operator = openai.OpenAI(base_url=f"{api_url}/v1", api_key=WRITE_KEY, max_retries=0, timeout=120)
    whole = operator.chat.completions.create(model="trellis", messages=[{"role": "user", "content": CAPITAL}])
    link = whole.model_extra["trellis"]["browser_url"]
    assert link and "cmd=edit" in link
    stream = operator.chat.completions.create(
        model="trellis", messages=[{"role": "user", "content": CAPITAL}], stream=True
    )
    extensions = [chunk.model_extra["trellis"] for chunk in stream if chunk.model_extra.get("trellis")]
    assert [e["browser_url"] for e in extensions] == [link]


def test_the_openai_sdk_streams_the_same_answer(client: openai.OpenAI, retriever: Retriever) -> None:
    whole = client.chat.completions.create(model="extractive", messages=[{"role": "user", "content": CAPITAL}])
    stream = client.chat.completions.create(
        model="trellis",
        messages=[{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": CAPITAL}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert chunks[0].choices[0].delta.role == "assistant"
    assert sum(bool(piece) for piece in pieces) >= 2, "the answer, then its sources"
    assert "".join(pieces) == whole.choices[0].message.content
    _assert_cited_answer("".join(pieces), retriever)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}
    assert not chunks[-1].choices and chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    assert len({c.id for c in chunks}) == 1 and all(c.object == "chat.completion.chunk" for c in chunks)


def test_models_lists_trellis_and_the_generator(client: openai.OpenAI) -> None:
    assert {model.id for model in client.models.list()} == {"trellis", "extractive"}
    assert client.models.retrieve("trellis").owned_by == "trellis"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_langchain_chat_openai_invokes_and_streams(api_url: str, retriever: Retriever) -> None:
    chat = ChatOpenAI(model="trellis", base_url=f"{api_url}/v1", api_key=READ_KEY, max_retries=0, timeout=120)
    reply = chat.invoke(CAPITAL)
    assert isinstance(reply.content, str)
    _assert_cited_answer(reply.content, retriever)
    streamed = "".join(str(piece.content) for piece in chat.stream(CAPITAL))
    assert streamed == reply.content


def test_a_follow_up_uses_the_previous_question(client: openai.OpenAI, retriever: Retriever) -> None:
    messages: list[Any] = [
        {"role": "user", "content": "Tell me about Albania."},
        {"role": "assistant", "content": "Albania is a country in Southeastern Europe."},
        {"role": "user", "content": [{"type": "text", "text": "What is its capital?"}]},
    ]
    completion = client.chat.completions.create(model="trellis", messages=messages)
    assert completion.model_extra["trellis"]["question"] == "Tell me about Albania.\nWhat is its capital?"
    _assert_cited_answer(completion.choices[0].message.content or "", retriever)


def test_a_question_the_graph_cannot_answer_says_so(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="trellis", messages=[{"role": "user", "content": "What is the boiling point of liquid nitrogen?"}]
    )
    content = completion.choices[0].message.content or ""
    assert content.startswith("Not in the graph") and "Sources:" not in content
    assert completion.choices[0].message.annotations == []


BAD_REQUESTS: list[tuple[str, Any, int, str | None]] = [
    ("no user message", {"messages": [{"role": "system", "content": "Be brief."}]}, 400, "messages"),
    ("empty content", {"messages": [{"role": "user", "content": "   "}]}, 400, "messages[0].content"),
    ("no messages", {"messages": []}, 400, "messages"),
    ("a tool role", {"messages": [{"role": "tool", "content": "x", "tool_call_id": "1"}]}, 400, "messages[0].role"),
    ("an unknown role", {"messages": [{"role": "robot", "content": CAPITAL}]}, 400, "messages[0].role"),
    ("an image part", {"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}, 400, None),
    ("a huge question", {"messages": [{"role": "user", "content": "why " * 2_000}]}, 400, "messages[0].content"),
    ("n = 2", {"messages": [{"role": "user", "content": CAPITAL}], "n": 2}, 400, "n"),
    ("content of the wrong type", {"messages": [{"role": "user", "content": 42}]}, 400, None),
    ("an unknown model", {"model": "gpt-4o", "messages": [{"role": "user", "content": CAPITAL}]}, 404, None),
    ("a list body", [{"role": "user", "content": CAPITAL}], 400, None),
]


@pytest.mark.parametrize(("case", "body", "status", "param"), BAD_REQUESTS, ids=[case[0] for case in BAD_REQUESTS])
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_bad_requests_get_openai_errors(
    api_url: str, case: str, body: Any, status: int, param: str | None, stream: bool
) -> None:
    if isinstance(body, dict):
        body = {"model": "trellis", "stream": stream, **body}
    response = httpx.post(
        f"{api_url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=60
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"] and error["type"] in {"invalid_request_error", "not_found_error"}
    if param is not None:
        assert error["param"] == param
    if status == 404:
        assert error["code"] == "model_not_found"


def test_malformed_and_oversized_bodies_are_refused(api_url: str) -> None:
    headers = {"Authorization": f"Bearer {READ_KEY}", "Content-Type": "application/json"}
    broken = httpx.post(
        f"{api_url}/v1/chat/completions", content=b'{"model": "trellis", "messages": [', headers=headers
    )
    assert broken.status_code == 400 and "JSON" in broken.json()["error"]["message"]
    huge = b'{"model": "trellis", "messages": [{"role": "user", "content": "' + b"a" * 1_100_000 + b'"}]}'
    too_big = httpx.post(f"{api_url}/v1/chat/completions", content=huge, headers=headers, timeout=60)
    assert 400 <= too_big.status_code < 500 and too_big.status_code in (413,)


def test_the_sdk_raises_its_own_errors_for_bad_requests(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="no user message"):
        client.chat.completions.create(model="trellis", messages=[{"role": "assistant", "content": "Hello"}])
    with pytest.raises(openai.NotFoundError, match="gpt-4o"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": CAPITAL}])


@pytest.mark.parametrize("key", [None, "not-a-key"], ids=["no key", "wrong key"])
def test_calls_without_a_valid_key_get_401(api_url: str, key: str | None) -> None:
    if key:
        with pytest.raises(openai.AuthenticationError, match="unknown API key"):
            openai.OpenAI(base_url=f"{api_url}/v1", api_key=key, max_retries=0).models.list()
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = httpx.post(
        f"{api_url}/v1/chat/completions",
        json={"model": "trellis", "messages": [{"role": "user", "content": CAPITAL}]},
        headers=headers,
    )
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["type"] == "authentication_error"
