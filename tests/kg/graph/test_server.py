"""The local server that the test session started: version, APOC, idempotent start, cached distribution."""

from __future__ import annotations

import stat

from kg.graph import GraphStore, LocalServer
from kg.graph.auth import password_file
from kg.graph.distribution import ensure_distribution
from kg.settings import Settings


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
