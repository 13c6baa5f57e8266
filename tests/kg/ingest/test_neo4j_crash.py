"""kill -9 of Neo4j itself in the middle of a real `trellis ingest`: the ingest fails cleanly, and after
`trellis neo4j start` and the same command again, the graph equals a clean ingest's and `trellis index check`
passes.

The ingester pauses at a named point (``TRELLIS_FAILPOINT=NAME:N:pause``, :mod:`kg.failpoints`) while the test
kills the server's JVM with SIGKILL (no shutdown, no checkpoint: Neo4j recovers from its transaction log on the
next start); then the ingester goes on into a dead server. The server is one of this module's own, so the rest of
the suite's server is never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO, free_port, run_cli, settings_env
from trellis.kg.failpoints import pause_marker
from trellis.kg.graph import GraphStore, LocalServer
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.fingerprint import Fingerprint, graph_fingerprint
from trellis.kg.settings import Settings

BATCH = "2"
_WAIT_S = 240
# The killed ingest gives up on the dead server after a short retry; the default waits half a minute for a restart.
_GIVE_UP = {"TRELLIS_NEO4J_MAX_RETRY_S": "2", "TRELLIS_NEO4J_CONNECT_TIMEOUT_S": "2"}


@pytest.fixture(scope="module")
def own_settings(neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a Neo4j server of this module's own (started here, stopped at the end)."""
    settings = neo4j_settings.model_copy(
        update={
            "data_dir": tmp_path_factory.mktemp("neo4j-crash") / "data",
            "neo4j_bolt_port": free_port(),
            "neo4j_http_port": free_port(),
            "neo4j_heap": "512m",
            "neo4j_pagecache": "64m",
            "neo4j_password": None,
        }
    )
    server = LocalServer(settings)
    server.start()
    try:
        yield settings
    finally:
        server.stop()


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return settings_env(
        settings, NEO4J_PASSWORD=resolve_password(settings), TRELLIS_INGEST_BATCH_DOCUMENTS=BATCH, **extra
    )


def _fresh(settings: Settings) -> None:
    with GraphStore(settings) as store:
        store.execute("delete_everything")
    shutil.rmtree(settings.index_dir, ignore_errors=True)


def _fingerprint(settings: Settings) -> Fingerprint:
    with GraphStore(settings) as store:
        return graph_fingerprint(store)


@pytest.fixture(scope="module")
def clean(own_settings: Settings, geonames_ten: Path) -> Fingerprint:
    """The fingerprint of an ingest into this server that nothing interrupted."""
    _fresh(own_settings)
    done = run_cli("ingest", str(geonames_ten), env=_env(own_settings))
    assert done.returncode == 0, done.stdout + done.stderr
    fingerprint = _fingerprint(own_settings)
    assert fingerprint[0] and fingerprint[1]
    return fingerprint


@pytest.mark.parametrize("point", ["ingest.extracted:2:pause", "ingest.neo4j-committed:2:pause"])
def test_neo4j_killed_mid_ingest_loses_nothing_after_a_restart(
    point: str,
    own_settings: Settings,
    geonames_ten: Path,
    clean: Fingerprint,
) -> None:
    _fresh(own_settings)
    name = point.split(":", 1)[0]
    marker = pause_marker(own_settings, name)
    ingest = subprocess.Popen(
        [sys.executable, "-m", "trellis.api.cli", "ingest", str(geonames_ten)],
        env=_env(own_settings, TRELLIS_FAILPOINT=point, **_GIVE_UP),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + _WAIT_S
        while not marker.exists():
            assert ingest.poll() is None, f"the ingest ended before {name}: {ingest.communicate()[0]}"
            assert time.monotonic() < deadline, f"the ingest never reached {name}"
            time.sleep(0.05)
        server = LocalServer(own_settings)
        pid = server.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        while server.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        marker.unlink()  # the ingester goes on, into a dead server
        output, _ = ingest.communicate(timeout=_WAIT_S)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode not in (0, -9), f"the ingest did not notice the dead server: {output}"
    assert "Traceback" not in output, output

    started = run_cli("neo4j", "start", env=_env(own_settings))
    assert started.returncode == 0, started.stdout + started.stderr
    again = run_cli("ingest", str(geonames_ten), env=_env(own_settings))
    assert again.returncode == 0, again.stdout + again.stderr
    assert _fingerprint(own_settings) == clean
    checked = run_cli("index", "check", env=_env(own_settings))
    assert checked.returncode == 0 and "MISMATCH" not in checked.stdout, checked.stdout + checked.stderr
