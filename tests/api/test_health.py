"""/healthz and /readyz over the real server: a cold server loads its models once however often /readyz is called,
and in production /readyz says which check failed without the URIs and paths of why (those go to the log)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.support import free_port
from tests.support_api import API_KEYS, serving
from trellis.api.app import create_app
from trellis.kg.settings import Settings


def _cold(tmp_path: Path) -> Settings:
    """Settings for a production server whose Neo4j is not there (nothing listens on the port)."""
    return Settings(
        data_dir=tmp_path,
        api_keys=API_KEYS,
        api_production=True,
        neo4j_uri=f"bolt://127.0.0.1:{free_port()}",
        neo4j_password="not-the-password",
        neo4j_max_retry_s=1.0,
    )


def _warm_ups() -> int:
    return sum(thread.name == "trellis-warm-up" for thread in threading.enumerate())


def _until_settled(url: str) -> dict[str, object]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        body: dict[str, object] = httpx.get(f"{url}/readyz", timeout=60).json()
        checks = body["checks"]
        assert isinstance(checks, dict)
        if checks.get("model") != "loading":
            return body
        time.sleep(0.5)
    raise AssertionError("the server never finished loading")


def test_a_cold_server_loads_once_and_production_hides_why_a_check_failed(tmp_path: Path) -> None:
    settings = _cold(tmp_path)
    with serving(create_app(settings)) as url:
        before = _warm_ups()
        replies = [httpx.get(f"{url}/readyz", timeout=60) for _ in range(20)]
        assert all(reply.status_code == 503 for reply in replies)
        assert _warm_ups() - before <= 1, "one model load at a time, however often /readyz is called"
        assert httpx.get(f"{url}/healthz", timeout=5).json() == {"status": "ok"}
        body = _until_settled(url)
        text = str(body)
        assert body["status"] == "not ready" and body["checks"] in ({"model": "failed"}, {"neo4j": "unreachable"}), body
        for secret in (str(tmp_path), str(settings.neo4j_uri), "127.0.0.1"):
            assert secret not in text, (secret, body)
