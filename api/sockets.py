"""Bounds on open WebSockets: in all (checked before the handshake) and per API key (once the key is known).

A socket past the total is closed before it is accepted (HTTP 403 to the client); one past its key's bound is
rejected by the GraphQL handshake (close code 4403 with the reason). Each open socket costs a little memory and
may carry ``api_max_subscriptions`` streams, which the answer limiter bounds on their own.
"""

from __future__ import annotations

import threading
from collections import Counter

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["SocketLimit", "SocketLimitMiddleware"]

_KEY = "trellis_socket_key"  # where a socket's claimed key id is kept in its ASGI scope state


class SocketLimit:
    """Counts open WebSockets in all and per API key."""

    def __init__(self, *, total: int, per_key: int) -> None:
        self.total = total
        self.per_key = per_key
        self._lock = threading.Lock()
        self._open = 0
        self._by_key: Counter[str] = Counter()

    @property
    def open_sockets(self) -> int:
        return self._open

    def open(self) -> bool:
        """Count a new socket; False (nothing counted) when ``total`` are open."""
        with self._lock:
            if self._open >= self.total:
                return False
            self._open += 1
            return True

    def claim(self, scope: Scope, key_id: str) -> bool:
        """Count the socket of ``scope`` against ``key_id``; False when that key has ``per_key`` open."""
        with self._lock:
            if self._by_key[key_id] >= self.per_key:
                return False
            self._by_key[key_id] += 1
        scope.setdefault("state", {})[_KEY] = key_id
        return True

    def close(self, scope: Scope) -> None:
        """Uncount the socket of ``scope`` (and its key's claim, if it made one)."""
        key_id = scope.get("state", {}).pop(_KEY, None)
        with self._lock:
            self._open -= 1
            if key_id is not None:
                self._by_key[key_id] -= 1
                if self._by_key[key_id] <= 0:
                    del self._by_key[key_id]


class SocketLimitMiddleware:
    """Pure ASGI middleware: a WebSocket past ``limit.total`` is refused before its handshake."""

    def __init__(self, app: ASGIApp, *, limit: SocketLimit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        if not self.limit.open():
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1013, "reason": "too many open sockets; try again later"})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.limit.close(scope)
