"""Requests from other web pages, and from names a rebinding DNS points at us, are refused before any route runs.

- **Origin.** A browser names the page that sends a request (``Origin``). A request from another origin than the
  API's own (the ``Host`` it was sent to) is refused unless that origin is listed in ``api_cors_origins``: a page
  the user visits cannot open ``ws://127.0.0.1:8000/graphql`` and drive the graph (cross-site WebSocket
  hijacking), nor post to it. Clients that are not browsers send no ``Origin`` and are not affected.
- **Host.** With auth off (``TRELLIS_API_AUTH_DISABLED``), a request must be addressed to a loopback name
  (``localhost``, ``127.0.0.1``, ``[::1]``), the configured ``api_host`` or a name in ``api_allowed_hosts``: a page
  whose DNS name is rebound to 127.0.0.1 sends its own name as ``Host`` and is refused. With keys, a rebound page
  has no key, so any host name is served.

Refusals are 403 with a JSON body (HTTP) or a close before the handshake (WebSocket).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from trellis.kg.settings import Settings

__all__ = ["OriginGuard", "allowed_hosts"]

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The host names served (lower case, no port), or None for any: only auth-off servers are restricted."""
    if not settings.api_auth_disabled:
        return None
    configured = {settings.api_host.lower()} - {"0.0.0.0", "::", ""}
    return _LOOPBACK | configured | {host.lower() for host in settings.api_allowed_hosts}


def _host_name(host: str) -> str:
    """``example.org`` of ``example.org:8000``, ``::1`` of ``[::1]:8000``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class OriginGuard:
    """Pure ASGI middleware applying the Origin and Host rules above."""

    def __init__(self, app: ASGIApp, *, origins: list[str], hosts: frozenset[str] | None) -> None:
        self.app = app
        self.origins = {origin.rstrip("/").lower() for origin in origins}
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        problem = self._problem(headers)
        if problem is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008, "reason": problem})
        else:
            body = json.dumps({"error": problem}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})

    def _problem(self, headers: dict[str, str]) -> str | None:
        host = headers.get("host", "")
        if self.hosts is not None and _host_name(host) not in self.hosts:
            return "this server does not answer to that host name (set TRELLIS_API_ALLOWED_HOSTS to add one)"
        origin = headers.get("origin")
        if origin is None:
            return None
        origin = origin.strip().rstrip("/").lower()
        if origin in self.origins or "*" in self.origins:
            return None
        if origin != "null" and urlsplit(origin).netloc == host.strip().lower():
            return None  # the API's own pages (GraphiQL)
        return "requests from other web origins are refused (list the origin in TRELLIS_API_CORS_ORIGINS)"
