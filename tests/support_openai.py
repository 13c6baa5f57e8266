"""A small OpenAI-compatible chat server for tests: ``/v1/chat/completions`` (plain and streamed as server-sent
events) answered by a real local causal LM through transformers. Serve it with ``tests.support_api.serving``."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict


class ChatRequest(BaseModel):
    """The fields of an OpenAI chat completion request this server reads (others are accepted and ignored)."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    max_tokens: int | None = None
    max_completion_tokens: int | None = None


def _content(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def openai_compatible_app(model: Any, tokenizer: Any, *, default_max_tokens: int = 16) -> FastAPI:
    """An app answering chat completions with ``model``; ``app.state.calls`` counts the completions it ran."""
    from transformers import TextIteratorStreamer

    app = FastAPI()
    app.state.calls = 0
    lock = threading.Lock()  # one generation at a time, like a single-slot server

    def pieces(request: ChatRequest) -> Iterator[str]:
        messages = [{"role": m["role"], "content": _content(m)} for m in request.messages]
        inputs = tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        limit = request.max_completion_tokens or request.max_tokens or default_max_tokens
        with lock:
            app.state.calls += 1
            worker = threading.Thread(
                target=model.generate,
                kwargs={**inputs, "max_new_tokens": limit, "do_sample": False, "streamer": streamer},
                daemon=True,
            )
            worker.start()
            yield from (piece for piece in streamer if piece)
            worker.join()

    def events(request: ChatRequest, ident: str) -> Iterator[str]:
        def chunk(delta: dict[str, str], finish: str | None) -> str:
            body = {
                "id": ident, "object": "chat.completion.chunk", "created": int(time.time()), "model": request.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }  # fmt: skip
            return f"data: {json.dumps(body)}\n\n"

        yield chunk({"role": "assistant", "content": ""}, None)
        for piece in pieces(request):
            yield chunk({"content": piece}, None)
        yield chunk({}, "stop")
        yield "data: [DONE]\n\n"

    @app.post("/v1/chat/completions", response_model=None)
    def complete(request: ChatRequest) -> StreamingResponse | dict[str, Any]:
        ident = f"chatcmpl-{uuid.uuid4().hex}"
        if request.stream:
            return StreamingResponse(events(request, ident), media_type="text/event-stream")
        text = "".join(pieces(request))
        return {
            "id": ident, "object": "chat.completion", "created": int(time.time()), "model": request.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }  # fmt: skip

    return app
