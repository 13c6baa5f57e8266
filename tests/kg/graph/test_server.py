"""The local server that the test session started: version, APOC, idempotent start, cached distribution, private
folders; and a first start that sets the password without putting it on a command line."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

import trellis.kg.graph.server
from tests.support import free_port
from trellis.kg.graph import GraphStore, LocalServer
from trellis.kg.graph.auth import password_file
from trellis.kg.graph.distribution import ensure_distribution
from trellis.kg.settings import Settings


def test_server_is_neo4j_5_26_community(store: GraphStore) -> None:
    component = store.query("server_components")[0]
    assert component["version"].startswith("5.26.")
    assert component["edition"] == "community"


def test_apoc_is_installed(store: GraphStore) -> None:
    rows = store.query("apoc_help", text="merge", limit=50)
    assert any(row["name"] == "apoc.merge.node" for row in rows)


def test_second_start_finds_the_running_server(neo4j_settings: Settings) -> None:
    server = LocalServer(neo4j_settings)
    result = server.start()
    assert result.already_running
    assert result.pid == server.pid()


def test_generated_password_is_private(neo4j_settings: Settings) -> None:
    path = password_file(neo4j_settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip()) >= 24


def test_config_listens_on_loopback_with_usage_reports_off(neo4j_settings: Settings) -> None:
    conf = (neo4j_settings.neo4j_home / "conf" / "neo4j.conf").read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{neo4j_settings.neo4j_bolt_port}" in conf
    assert "dbms.usage_report.enabled=false" in conf
    assert "dbms.security.procedures.unrestricted=apoc.*" in conf


def test_cached_distribution_needs_no_maven(neo4j_settings: Settings) -> None:
    offline = neo4j_settings.model_copy(update={"maven_command": "/nonexistent/mvn"})
    distribution = ensure_distribution(offline)
    assert any(distribution.lib.glob("neo4j-5.26.*.jar"))
    assert any(distribution.plugins.glob("apoc-core-*.jar"))


def test_server_logs_are_readable(neo4j_settings: Settings) -> None:
    lines = LocalServer(neo4j_settings).log_lines(500)
    assert any("Started." in line or "Remote interface available" in line for line in lines)


def test_the_instance_folders_are_private(neo4j_settings: Settings) -> None:
    """The session's server made its home under the default umask: only its owner can list or read it."""
    home = neo4j_settings.neo4j_home
    for folder in (home, *(home / name for name in ("conf", "data", "logs", "run", "import"))):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_initial_password_never_reaches_a_command_line(
    neo4j_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first start with a password full of quoting hazards: every command it runs is noted on the way through
    (and run for real); none holds the password, and the server takes it."""
    password = "p@ss \"wo\\rd\" #not-a-comment -x 'q'"
    settings = neo4j_settings.model_copy(
        update={
            "data_dir": tmp_path / "data",
            "neo4j_password": SecretStr(password),
            "neo4j_bolt_port": free_port(),
            "neo4j_http_port": free_port(),
            "neo4j_heap": "512m",
            "neo4j_pagecache": "64m",
        }
    )
    commands: list[list[str]] = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def run(command: list[str], *args: Any, **kwargs: Any) -> Any:
        commands.append([str(part) for part in command])
        return real_run(command, *args, **kwargs)

    def popen(command: list[str], *args: Any, **kwargs: Any) -> Any:
        commands.append([str(part) for part in command])
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(trellis.kg.graph.server.subprocess, "run", run)
    monkeypatch.setattr(trellis.kg.graph.server.subprocess, "Popen", popen)
    server = LocalServer(settings)
    try:
        server.start()
        monkeypatch.undo()
        assert any("set-initial-password" in command for command in commands)
        assert not any(password in part or "wo\\rd" in part for command in commands for part in command)
        assert not list((settings.neo4j_home / "run").glob("*.args")), "the argument file is removed"
        with GraphStore(settings) as store:
            assert store.query("server_components")[0]["edition"] == "community"
    finally:
        server.stop()
