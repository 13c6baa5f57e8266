"""`trellis neo4j ...` and `trellis init` as a user runs them: real subprocesses against the test server.

Expected failures print one line that names the fix, exit non-zero, and show no traceback.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support import free_port, run_cli, settings_env
from trellis.kg.settings import Settings


def _one_clear_error(result_stderr: str, *phrases: str) -> None:
    assert "Traceback" not in result_stderr
    lines = [line for line in result_stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result_stderr
    assert lines[0].startswith("error:")
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_status_shows_version_and_addresses(neo4j_settings: Settings) -> None:
    result = run_cli("neo4j", "status", env=settings_env(neo4j_settings))
    assert result.returncode == 0, result.stderr
    assert "Neo4j 5.26." in result.stdout
    assert f"bolt://127.0.0.1:{neo4j_settings.neo4j_bolt_port}" in result.stdout
    assert f"http://127.0.0.1:{neo4j_settings.neo4j_http_port}/browser/" in result.stdout


def test_init_lists_fulltext_and_vector_indexes(neo4j_settings: Settings) -> None:
    result = run_cli("init", env=settings_env(neo4j_settings))
    assert result.returncode == 0, result.stderr
    assert "chunk_text" in result.stdout and "FULLTEXT" in result.stdout
    assert "chunk_embedding" in result.stdout and "VECTOR" in result.stdout


def test_start_twice_reports_the_running_server(neo4j_settings: Settings) -> None:
    result = run_cli("neo4j", "start", env=settings_env(neo4j_settings))
    assert result.returncode == 0, result.stderr
    assert "already running" in result.stdout


def test_logs_prints_the_server_log(neo4j_settings: Settings) -> None:
    result = run_cli("neo4j", "logs", "-n", "5", env=settings_env(neo4j_settings))
    assert result.returncode == 0, result.stderr
    assert 0 < len(result.stdout.strip().splitlines()) <= 5


def test_wrong_password(neo4j_settings: Settings) -> None:
    env = settings_env(neo4j_settings, NEO4J_PASSWORD="wrong-password")
    result = run_cli("neo4j", "status", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "refused", "NEO4J_PASSWORD")


def test_server_not_running(neo4j_settings: Settings, tmp_path: Path) -> None:
    env = settings_env(neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path))
    result = run_cli("neo4j", "status", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "not running", "trellis neo4j start")


def test_existing_server_not_reachable(neo4j_settings: Settings) -> None:
    env = settings_env(neo4j_settings, NEO4J_URI=f"bolt://127.0.0.1:{free_port()}", NEO4J_PASSWORD="x")
    result = run_cli("init", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "cannot reach Neo4j", "NEO4J_URI")


def test_port_already_taken(neo4j_settings: Settings, tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        env = settings_env(neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path), TRELLIS_NEO4J_BOLT_PORT=str(port))
        result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, f"127.0.0.1:{port}", "already in use", "TRELLIS_NEO4J_BOLT_PORT")


def test_java_missing(neo4j_settings: Settings, tmp_path: Path) -> None:
    env = settings_env(neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path), TRELLIS_JAVA_HOME=str(tmp_path / "no-jdk"))
    result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "no Java", "openjdk-17")


def test_java_too_old(neo4j_settings: Settings, tmp_path: Path) -> None:
    java = tmp_path / "jdk11" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    java.chmod(0o755)
    env = settings_env(neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path), TRELLIS_JAVA_HOME=str(tmp_path / "jdk11"))
    result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "Java 11", "too old", "Java 17 or 21")


def test_maven_missing(neo4j_settings: Settings, tmp_path: Path) -> None:
    env = settings_env(
        neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path), TRELLIS_CACHE_DIR=str(tmp_path / "cache"),
        TRELLIS_MAVEN_COMMAND="/nonexistent/mvn",
    )  # fmt: skip
    result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "Maven", "not found", "apt-get install maven")


@pytest.mark.slow
def test_maven_cannot_fetch(neo4j_settings: Settings, tmp_path: Path) -> None:
    """A version Maven Central does not have: Maven runs for real and fails to fetch."""
    env = settings_env(
        neo4j_settings, TRELLIS_DATA_DIR=str(tmp_path), TRELLIS_CACHE_DIR=str(tmp_path / "cache"),
        TRELLIS_NEO4J_VERSION="5.26.999",
    )  # fmt: skip
    result = run_cli("neo4j", "start", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "Maven could not fetch", "org.neo4j", "Maven Central")
    assert not list((tmp_path / "cache" / "neo4j").glob("5.26.999*")), "nothing half-fetched may stay"


def test_bad_setting_value(neo4j_settings: Settings) -> None:
    env = settings_env(neo4j_settings, TRELLIS_NEO4J_BOLT_PORT="seventy")
    result = run_cli("neo4j", "status", env=env)
    assert result.returncode == 1
    _one_clear_error(result.stderr, "TRELLIS_NEO4J_BOLT_PORT")


def test_unknown_command_is_a_usage_error_without_traceback(neo4j_settings: Settings) -> None:
    result = run_cli("frobnicate", env=settings_env(neo4j_settings))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "No such command" in result.stderr
