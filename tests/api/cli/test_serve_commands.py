"""`trellis serve --detach / --status / --stop` as a user runs them: one detached API on a free port against the
test server, its generated key kept private, a second --detach changing nothing, --stop leaving nothing behind."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx

from tests.support import free_port, run_cli, settings_env
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_detach_status_and_stop(neo4j_settings: Settings, store: GraphStore, tmp_path: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    env = settings_env(
        neo4j_settings,
        TRELLIS_DATA_DIR=str(data_dir),
        TRELLIS_API_PORT=str(port),
        NEO4J_PASSWORD=resolve_password(neo4j_settings),
    )
    url, pid_file, key_file = f"http://127.0.0.1:{port}", data_dir / "api" / "api.pid", data_dir / "api" / "api-key"
    started = run_cli("serve", "--detach", env=env)
    pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert pid is not None and _alive(pid)
        assert f"API running at {url}" in started.stdout, started.stdout
        assert str(key_file) in started.stdout, started.stdout

        key = key_file.read_text().strip()
        assert key_file.stat().st_mode & 0o777 == 0o600 and len(key) >= 32
        assert key not in started.stdout  # the CLI names the file, never the key
        assert httpx.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}
        answer = httpx.post(
            f"{url}/graphql", json={"query": "{ stats { documents } }"}, headers={"Authorization": f"Bearer {key}"}
        )
        assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
        assert httpx.post(f"{url}/graphql", json={"query": "{ stats { documents } }"}).status_code == 401

        status = run_cli("serve", "--status", env=env)
        assert status.returncode == 0 and f"running (pid {pid})" in status.stdout, status.stdout + status.stderr

        again = run_cli("serve", "--detach", env=env)
        assert again.returncode == 0 and f"already running (pid {pid})" in again.stdout, again.stdout + again.stderr
        assert int(pid_file.read_text().split()[0]) == pid and _alive(pid)
        assert key_file.read_text().strip() == key
        assert "address already in use" not in (data_dir / "api" / "api.log").read_text().lower()

        stopped = run_cli("serve", "--stop", env=env)
        assert stopped.returncode == 0 and "API stopped" in stopped.stdout, stopped.stdout + stopped.stderr
        assert not _alive(pid) and _port_free(port) and not pid_file.exists()
        after = run_cli("serve", "--status", env=env)
        assert after.returncode == 0 and "no detached API is running" in after.stdout, after.stdout + after.stderr
        assert "no detached API is running" in run_cli("serve", "--stop", env=env).stdout
    finally:
        if pid is not None and _alive(pid):  # the server this test started, if an assertion left it running
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)


def test_a_stale_pid_file_naming_another_process_is_not_the_server(tmp_path: Path, neo4j_settings: Settings) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "api").mkdir(parents=True)
    other = subprocess.Popen(["sleep", "120"], start_new_session=True)  # the pid now belongs to something else
    try:
        (data_dir / "api" / "api.pid").write_text(f"{other.pid} 1\n")  # started at tick 1: long before `sleep`
        env = settings_env(neo4j_settings, TRELLIS_DATA_DIR=str(data_dir))
        status = run_cli("serve", "--status", env=env)
        assert "no detached API is running" in status.stdout, status.stdout + status.stderr
        stopped = run_cli("serve", "--stop", env=env)
        assert "no detached API is running" in stopped.stdout, stopped.stdout + stopped.stderr
        assert _alive(other.pid), "--stop left the unrelated process alone"
    finally:
        other.kill()
        other.wait()
