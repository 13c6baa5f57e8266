"""The local Neo4j Community server: configure, start in the background, wait for Bolt, stop, report.

Used only when ``NEO4J_URI`` is unset. The instance folder (``<data_dir>/neo4j``) holds ``conf/``, ``data/``,
``logs/``, ``run/`` and the generated password; the jars come from :mod:`kg.graph.distribution`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from trellis.kg.errors import ConfigurationError, PortInUseError, ServerNotRunningError, ServerStartError
from trellis.kg.files import private_folder, write_private
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.browser_style import style_command
from trellis.kg.graph.distribution import Distribution, ensure_distribution
from trellis.kg.graph.java import JavaRuntime, find_java
from trellis.kg.settings import Settings

__all__ = ["LocalServer", "StartResult"]

logger = logging.getLogger(__name__)

_MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
_ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"
# The JVM options Neo4j's own launcher adds (neo4j.conf's server.jvm.additional defaults).
_JVM_OPTIONS = [
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+AlwaysPreTouch", "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC", "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true", "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true", "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
]  # fmt: skip


@dataclass(frozen=True)
class StartResult:
    """What ``start`` did: started a process, or found one running."""

    pid: int
    already_running: bool
    seconds: float


class LocalServer:
    """One local Neo4j instance, described by settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.neo4j_home

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "trellis-neo4j.pid"

    def pid(self) -> int | None:
        """The server's process id when it is running, else None (a stale pid file is removed)."""
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError):
            self.pid_file.unlink(missing_ok=True)
            return None
        if _MAIN_CLASS in cmdline and str(self.home) in cmdline:
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def start(self) -> StartResult:
        """Start the server in the background (fetching it first if needed) and wait until Bolt answers."""
        began = time.monotonic()
        running = self.pid()
        if running is not None:
            return StartResult(pid=running, already_running=True, seconds=0.0)
        java = find_java(self.settings.java_home)
        distribution = ensure_distribution(self.settings)
        for name, port in (("Bolt", self.settings.neo4j_bolt_port), ("HTTP", self.settings.neo4j_http_port)):
            _require_free_port(self.settings.neo4j_host, port, name)
        self._write_config(distribution)
        password = resolve_password(self.settings, create=True)
        if not (self.home / "data" / "databases" / "system").exists():
            self._set_initial_password(java, distribution, password)
        process = self._spawn(java, distribution)
        self._wait_for_bolt(process)
        return StartResult(pid=process.pid, already_running=False, seconds=time.monotonic() - began)

    def stop(self, timeout_s: float = 60.0) -> bool:
        """Stop the server; False when it was not running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            logger.warning("Neo4j did not stop within %.0f s; killing it", timeout_s)
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_lines(self, count: int = 50, *, name: str = "neo4j.log") -> list[str]:
        """The last ``count`` lines of a server log."""
        path = self.log_dir / name
        if not path.is_file():
            raise ServerNotRunningError(f"no log at {path}: the local server has not been started yet")
        with path.open(errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=count)]

    def _write_config(self, distribution: Distribution) -> None:
        s = self.settings
        for folder in ("conf", "data", "logs", "run", "import"):
            private_folder(self.home / folder)
        lines = {
            "server.default_listen_address": s.neo4j_host,
            "server.default_advertised_address": s.neo4j_host,
            "server.bolt.listen_address": f"{s.neo4j_host}:{s.neo4j_bolt_port}",
            "server.bolt.advertised_address": f"{s.neo4j_host}:{s.neo4j_bolt_port}",
            "server.http.listen_address": f"{s.neo4j_host}:{s.neo4j_http_port}",
            "server.http.advertised_address": f"{s.neo4j_host}:{s.neo4j_http_port}",
            "server.https.enabled": "false",
            "server.memory.heap.initial_size": s.neo4j_heap,
            "server.memory.heap.max_size": s.neo4j_heap,
            "server.memory.pagecache.size": s.neo4j_pagecache,
            "dbms.usage_report.enabled": "false",
            "client.allow_telemetry": "false",
            "dbms.security.procedures.unrestricted": "apoc.*",
            "dbms.security.procedures.allowlist": "apoc.*",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.log_dir),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.home / "import"),
            "server.directories.plugins": str(distribution.plugins),
            "db.tx_log.rotation.retention_policy": "1 days",
            "browser.post_connect_cmd": style_command(),  # Trellis's colours and captions on every connection
        }
        text = "# Written by Trellis from its settings (TRELLIS_NEO4J_*); edits are overwritten at start.\n"
        text += "".join(f"{key}={value}\n" for key, value in lines.items())
        (self.conf_dir / "neo4j.conf").write_text(text)

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}

    def _set_initial_password(self, java: JavaRuntime, distribution: Distribution, password: str) -> None:
        """``neo4j-admin dbms set-initial-password`` with the password in an argument file (``@file``, which the
        admin commands expand), never on the command line, where any local user could read it."""
        arguments = self.home / "run" / f"set-initial-password-{os.getpid()}.args"
        arguments.unlink(missing_ok=True)
        write_private(arguments, f"-- {_quoted(password)}\n")  # "--": a password starting with '-' is no option
        command = [
            str(java.executable), "-cp", f"{distribution.lib}/*", _ADMIN_CLASS,
            "dbms", "set-initial-password", f"@{arguments}",
        ]  # fmt: skip
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, env=self._environment(), timeout=120, check=False
            )
        finally:
            arguments.unlink(missing_ok=True)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ServerStartError(f"setting the initial Neo4j password failed: {detail[0]}")

    def _spawn(self, java: JavaRuntime, distribution: Distribution) -> subprocess.Popen[bytes]:
        s = self.settings
        command = [
            str(java.executable), f"-Xms{s.neo4j_heap}", f"-Xmx{s.neo4j_heap}", *_JVM_OPTIONS,
            "-cp", f"{distribution.lib}/*:{distribution.plugins}/*", _MAIN_CLASS,
            f"--home-dir={self.home}", f"--config-dir={self.conf_dir}",
        ]  # fmt: skip
        if java.major < 21:
            command.remove("--enable-native-access=ALL-UNNAMED")
        console = (self.log_dir / "console.log").open("ab")
        with console:
            process = subprocess.Popen(
                command, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self._environment(), cwd=self.home, start_new_session=True,
            )  # fmt: skip
        self.pid_file.write_text(f"{process.pid}\n")
        return process

    def _wait_for_bolt(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.settings.neo4j_start_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                tail = " | ".join(self._last_errors())
                raise ServerStartError(
                    f"Neo4j exited with code {process.returncode} while starting: {tail} "
                    f"(see `trellis neo4j logs` and {self.log_dir})"
                )
            if _answers(self.settings.neo4j_host, self.settings.neo4j_bolt_port) and _answers(
                self.settings.neo4j_host, self.settings.neo4j_http_port
            ):
                return
            time.sleep(0.5)
        raise ServerStartError(
            f"Neo4j did not answer on Bolt within {self.settings.neo4j_start_timeout_s:.0f} s: see "
            f"`trellis neo4j logs`, or raise TRELLIS_NEO4J_START_TIMEOUT_S"
        )

    def _last_errors(self) -> list[str]:
        lines: list[str] = []
        for name in ("console.log", "neo4j.log"):
            with contextlib.suppress(ServerNotRunningError):
                lines += [line for line in self.log_lines(200, name=name) if "ERROR" in line or "Exception" in line]
        return lines[-2:] or ["no error in the logs"]


def _quoted(password: str) -> str:
    """``password`` as one double-quoted argument of an argument file (picocli reads it with Java's
    StreamTokenizer: a backslash escapes the next character, and a quoted argument ends at the line's end)."""
    if "\n" in password or "\r" in password:
        raise ConfigurationError("the Neo4j password cannot hold a line break: set another TRELLIS_NEO4J_PASSWORD")
    return '"' + password.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _alive(pid: int) -> bool:
    """Whether the process still runs (a child of ours that exited is reaped, not counted)."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _answers(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1.0):
        return True
    return False


def _require_free_port(host: str, port: int, name: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            setting = "TRELLIS_NEO4J_BOLT_PORT" if name == "Bolt" else "TRELLIS_NEO4J_HTTP_PORT"
            raise PortInUseError(
                f"{name} port {host}:{port} is already in use by another process: stop that process, "
                f"or set {setting} to a free port"
            ) from exc
