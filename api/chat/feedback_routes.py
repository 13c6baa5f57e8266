"""``POST /v1/feedback``: chat clients rate an answer by the completion id ``/v1/chat/completions`` returned.

The body is ``{"id": "chatcmpl-...", "rating": "up" | "down", "correction": "...", "comment": "..."}`` (the last
two optional; a correction goes with ``down``). Any key with the read scope may rate; errors come back in OpenAI's
shape like the rest of ``/v1``: 400 for a bad body or rating, 404 for an answer the log does not hold.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from trellis.api.answer_records import rate
from trellis.api.auth import Principal, require_scope
from trellis.api.chat.openai_routes import OpenAIRoute
from trellis.api.errors import InvalidRequestError, RequestTooLargeError
from trellis.api.state import AppState, get_state

__all__ = ["router"]

router = APIRouter(route_class=OpenAIRoute, tags=["openai"])
State = Annotated[AppState, Depends(get_state)]
Reader = Annotated[Principal, Depends(require_scope("read"))]
_FIELDS = {"id", "rating", "correction", "comment"}


def _parse(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequestError('the body is not JSON: send {"id": "chatcmpl-...", "rating": "up"}') from None
    if not isinstance(payload, dict):
        raise InvalidRequestError("the body must be a JSON object")
    unknown = sorted(set(payload) - _FIELDS)
    if unknown:
        raise InvalidRequestError(f"unknown field {unknown[0][:40]!r}: send id, rating, correction, comment")
    for name in ("id", "rating"):
        if not isinstance(payload.get(name), str):
            raise InvalidRequestError(f"'{name}' is required and must be a string", param=name)
    for name in ("correction", "comment"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise InvalidRequestError(f"'{name}' must be a string", param=name)
    return payload


@router.post("/feedback")
async def feedback(request: Request, state: State, caller: Reader) -> dict[str, Any]:
    """Rate the answer of a chat completion up or down, with an optional correction and comment."""
    most = state.settings.chat_max_request_bytes
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > most:
            raise RequestTooLargeError(f"the body is larger than {most:,} bytes")
    payload = _parse(bytes(body))
    stored = await run_in_threadpool(
        lambda: rate(
            state,
            caller,
            interface="chat",
            answer_id=payload["id"],
            rating=payload["rating"],
            correction=payload.get("correction"),
            comment=payload.get("comment"),
        )
    )
    return {
        "object": "feedback",
        "id": stored.id,
        "completion_id": stored.answer_id,
        "rating": stored.rating.lower(),
        "correction": stored.correction,
        "comment": stored.comment,
        "created": int(stored.at.timestamp()),
    }
