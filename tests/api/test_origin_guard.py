"""Requests from other web origins, and (with auth off) requests addressed to other host names, are refused before
any route runs, over the real server: cross-site WebSocket hijacking and DNS rebinding get a 403 or a socket that
never opens; the API's own pages, listed origins and clients without an Origin are served."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.support_api import READ_KEY, serving
from trellis.api.app import create_app
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

STATS = {"query": "{ stats { entities } }"}
FRIEND = "https://app.example.org"


@pytest.fixture(scope="module")
def open_url(api_settings: Settings, session_retriever: Retriever) -> Iterator[str]:
    """The app with auth off (as for local use), one listed front-end origin and one extra host name."""
    settings = api_settings.model_copy(
        update={
            "api_keys": {},
            "api_auth_disabled": True,
            "api_cors_origins": [FRIEND],
            "api_allowed_hosts": ["trellis.internal"],
        }
    )
    with serving(create_app(settings, retriever=session_retriever)) as url:
        yield url


def _post(url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json=STATS, headers=headers, timeout=60)


def _socket_opens(url: str, headers: dict[str, str]) -> bool:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    try:
        with connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers=headers) as socket:
            socket.send(json.dumps({"type": "connection_init", "payload": {}}))
            return json.loads(socket.recv(timeout=30))["type"] == "connection_ack"
    except InvalidStatus as exc:
        assert exc.response.status_code == 403
        return False


def test_with_auth_off_only_loopback_and_listed_host_names_are_served(open_url: str) -> None:
    port = open_url.rsplit(":", 1)[1]
    assert _post(open_url, {}).status_code == 200
    for host in (f"localhost:{port}", f"[::1]:{port}", "trellis.internal"):
        assert _post(open_url, {"Host": host}).status_code == 200, host
    rebound = _post(open_url, {"Host": f"attacker.example:{port}"})
    assert rebound.status_code == 403 and "host name" in rebound.json()["error"]
    assert not _socket_opens(open_url, {"Host": "attacker.example"})


def test_other_origins_are_refused_and_the_apis_own_and_listed_ones_served(open_url: str) -> None:
    own = open_url  # GraphiQL's pages are served from the API itself
    assert _post(open_url, {"Origin": own}).status_code == 200
    assert _post(open_url, {"Origin": FRIEND}).status_code == 200
    for origin in ("https://evil.example", "null", f"{own}.evil.example"):
        refused = _post(open_url, {"Origin": origin})
        assert refused.status_code == 403 and "other web origins" in refused.json()["error"], origin
    assert _socket_opens(open_url, {"Origin": own})
    assert not _socket_opens(open_url, {"Origin": "https://evil.example"}), "cross-site WebSocket hijacking"


def test_with_keys_any_host_is_served_but_other_origins_still_are_not(api_url: str) -> None:
    headers = {"Authorization": f"Bearer {READ_KEY}"}
    assert _post(api_url, {**headers, "Host": "api.example.org"}).status_code == 200
    assert _post(api_url, {**headers, "Origin": "https://evil.example"}).status_code == 403
    assert not _socket_opens(api_url, {**headers, "Origin": "https://evil.example"})
