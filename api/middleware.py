"""The request middleware: a request id for every request, a bound on request bodies, metrics and one log line.

Request ids come from a well-formed ``X-Request-ID`` header or are made here; they are echoed in the response.
The log line names method, route, status, duration and the id, never a header (keys are never logged).
"""

from __future__ import annotations

import logging
import re
import uuid
from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trellis.api.logs import request_id
from trellis.api.metrics import Metrics

__all__ = ["RequestMiddleware"]

logger = logging.getLogger(__name__)
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _route(scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        return "unmatched"
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else str(scope["path"])  # an included router's "" route


class RequestMiddleware:
    """Pure ASGI middleware (works for streaming responses and WebSockets alike)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        given = headers.get("x-request-id", "")
        current = given if _GOOD_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(current)
        scope.setdefault("state", {})["request_id"] = current
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
                return
            await self._http(scope, receive, send, headers, current)
        finally:
            request_id.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str], current: str) -> None:
        began = perf_counter()
        status = 500
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await _too_large(send, self.max_body_bytes, current)
            status = 413
        else:

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"x-request-id", current.encode())]
                await send(message)

            try:
                await self.app(scope, _bounded(receive, self.max_body_bytes), send_with_id)
            except _BodyTooLarge:
                await _too_large(send, self.max_body_bytes, current)
                status = 413
        seconds = perf_counter() - began
        route, method = _route(scope), scope["method"]
        self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
        self.metrics.request_seconds.labels(method=method, route=route).observe(seconds)
        logger.info(
            "%s %s %s %.1f ms",
            method,
            route,
            status,
            seconds * 1000,
            extra={"method": method, "route": route, "status": status, "ms": round(seconds * 1000, 1)},
        )


class _BodyTooLarge(Exception):
    pass


def _bounded(receive: Receive, most: int) -> Receive:
    seen = 0

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > most:
                raise _BodyTooLarge
        return message

    return bounded


async def _too_large(send: Send, most: int, current: str) -> None:
    body = f'{{"error": "the request body is larger than {most} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", current.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
