"""Open WebSockets are bounded per API key (the handshake refuses one more: close 4403) and in all (refused
before the handshake), over the real server; a closed socket frees its place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support_api import READ_KEY, WRITE_KEY, serving
from trellis.api.app import create_app
from trellis.api.state import AppState
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever


@pytest.fixture(scope="module")
def bounded(api_settings: Settings, session_retriever: Retriever) -> Iterator[tuple[str, AppState]]:
    """The app with at most 2 sockets per key and 3 in all."""
    settings = api_settings.model_copy(update={"api_max_sockets_per_key": 2, "api_max_sockets": 3})
    app = create_app(settings, retriever=session_retriever)
    with serving(app) as url:
        yield url.replace("http://", "ws://") + "/graphql", app.state.trellis


def _open(url: str, key: str) -> ClientConnection:
    return connect(
        url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers={"Authorization": f"Bearer {key}"}
    )


def _init(socket: ClientConnection) -> dict[str, object]:
    """connection_init, then the ack (a dict) or the close (its code and reason)."""
    socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    try:
        reply: dict[str, object] = json.loads(socket.recv(timeout=30))
        return reply
    except Exception:  # closed by the server
        assert socket.close_code is not None
        return {"close": socket.close_code, "reason": socket.close_reason}


def test_sockets_are_bounded_per_key_and_in_all(bounded: tuple[str, AppState]) -> None:
    url, state = bounded
    with ExitStack() as stack:
        readers = [stack.enter_context(_open(url, READ_KEY)) for _ in range(2)]
        assert all(_init(socket)["type"] == "connection_ack" for socket in readers)
        with _open(url, READ_KEY) as third:
            refused = _init(third)
        assert refused["close"] == 4403, refused  # graphql-transport-ws: Forbidden
        writer = stack.enter_context(_open(url, WRITE_KEY))
        assert _init(writer)["type"] == "connection_ack", "another key has its own bound"
        with pytest.raises(InvalidStatus) as over:
            _open(url, WRITE_KEY)
        assert over.value.response.status_code == 403, "past the total: refused before the handshake"
        readers[0].close()
    with _open(url, READ_KEY) as again:
        assert _init(again)["type"] == "connection_ack", "closed sockets free their places"
    assert state.sockets.open_sockets <= 1
