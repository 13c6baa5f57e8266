"""``trellis serve``: the API under uvicorn, in the foreground or detached (``--detach``, ``--stop``, ``--status``).

Detached, the server runs in its own session with its pid in ``<data_dir>/api/api.pid`` and its JSON logs in
``<data_dir>/api/api.log``; ``--detach`` again while it runs changes nothing and prints where it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from trellis.kg.errors import ConfigurationError
from trellis.kg.files import private_folder
from trellis.kg.settings import Settings, get_settings

__all__ = ["register", "serve"]

console = Console()
READY_TIMEOUT_S = 600.0
SAMPLE_QUERY = (
    '{ ask(question: "What is the capital of Albania?") '
    "{ text citations { number document { title } chunk { text } } facts { triple } browserUrl } }"
)


def _folder(settings: Settings) -> Path:
    return settings.data_dir / "api"


def _started(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot, from /proc), which a later process given the same pid does not
    share; None where /proc is not there."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _pid(settings: Settings) -> int | None:
    """The pid of the detached server, when one runs (not a stale pid file's number, now another process's)."""
    path = _folder(settings) / "api.pid"
    try:
        pid, *started = path.read_text().split()
        os.kill(int(pid), 0)
    except (OSError, ValueError):
        return None
    if started and _started(int(pid)) not in (None, started[0]):
        return None
    return int(pid)


def _base_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}"


def _stop(settings: Settings) -> bool:
    pid = _pid(settings)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)  # uvicorn finishes the requests in flight, then the app closes its parts
    deadline = time.monotonic() + settings.api_stop_timeout_s
    while time.monotonic() < deadline and _pid(settings) == pid:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    if _pid(settings) == pid:
        os.killpg(pid, signal.SIGKILL)
    (_folder(settings) / "api.pid").unlink(missing_ok=True)
    return True


def _wait_ready(url: str, pid: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with console.status("starting the API (loading models and indexes)..."):
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except OSError:
                raise ConfigurationError(f"the API exited while starting: see {log}") from None
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
    raise ConfigurationError(f"the API did not become ready within {READY_TIMEOUT_S:.0f} s: see {log}")


def _print_usage(settings: Settings, url: str, key_file: Path | None) -> None:
    auth = f'-H "Authorization: Bearer $(cat {key_file})" ' if key_file else ""
    body = json.dumps({"query": SAMPLE_QUERY})
    console.print(f"[green]API running[/green] at {url}  (stop it with `trellis serve --stop`)", highlight=False)
    console.print(f"GraphiQL:       {url}/graphql", highlight=False)
    if key_file:
        console.print(
            f"API key:        {key_file} (write scope; in GraphiQL's Headers tab: "
            '{"Authorization": "Bearer <the key>"})',
            highlight=False,
        )
    elif settings.api_auth_disabled:
        console.print("API key:        none needed (TRELLIS_API_AUTH_DISABLED=true: local use only)", highlight=False)
    else:
        console.print("API key:        one of TRELLIS_API_KEYS, as 'Authorization: Bearer KEY'", highlight=False)
    console.print(f"Neo4j Browser:  {settings.browser_url}", highlight=False)
    console.print("Ask over GraphQL (paste into a shell):", highlight=False)
    console.print(
        f"  curl -s {url}/graphql {auth}-H 'Content-Type: application/json' -d '{body}'",
        highlight=False,
        soft_wrap=True,
    )


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: TRELLIS_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: TRELLIS_API_PORT).")] = None,
    detach: Annotated[bool, typer.Option("--detach", "-d", help="Run in the background; return when ready.")] = False,
    stop: Annotated[bool, typer.Option("--stop", help="Stop the detached server.")] = False,
    status: Annotated[bool, typer.Option("--status", help="Say whether a detached server runs.")] = False,
) -> None:
    """Serve the API (GraphQL at /graphql, chat at /v1, MCP at /mcp, /healthz, /readyz, /metrics)."""
    from trellis.api.keys import with_local_key

    settings, key_file = with_local_key(get_settings())
    host = host or settings.api_host
    port = port or settings.api_port
    url = _base_url(host, port)
    if stop:
        console.print("[green]API stopped[/green]" if _stop(settings) else "no detached API is running")
        return
    if status or detach:
        pid = _pid(settings)
        if pid is not None:
            console.print(f"the API is already running (pid {pid})")
            _print_usage(settings, url, key_file)
            return
        if status:
            console.print("no detached API is running")
            return
        _detach(settings, host=host, port=port, url=url, key_file=key_file)
        return
    _foreground(settings, host=host, port=port, url=url, key_file=key_file)


def _detach(settings: Settings, *, host: str, port: int, url: str, key_file: Path | None) -> None:
    folder = private_folder(_folder(settings))
    log = folder / "api.log"
    with log.open("ab") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "trellis.api.cli", "serve", "--host", host, "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=Path.cwd(),
        )
    (folder / "api.pid").write_text(f"{child.pid} {_started(child.pid) or ''}\n")
    try:
        _wait_ready(url, child.pid, log)
    except ConfigurationError:
        _stop(settings)
        raise
    _print_usage(settings, url, key_file)


def _foreground(settings: Settings, *, host: str, port: int, url: str, key_file: Path | None) -> None:
    import uvicorn

    from trellis.api.allocator import limit_malloc_arenas
    from trellis.api.app import create_app
    from trellis.api.logs import configure_logging
    from trellis.kg.vectors.threads import limit_compute_threads

    configure_logging(json_lines=settings.api_log_json)
    if settings.api_malloc_arenas:  # before the server's threads allocate: its memory stays flat (api/allocator)
        limit_malloc_arenas(settings.api_malloc_arenas)
    if settings.api_compute_threads:  # concurrent requests use the cores; one operation need not (kg/vectors/threads)
        limit_compute_threads(settings.api_compute_threads)
    # The event loop and the request threads take turns on the GIL; a thread that wants it waits up to the switch
    # interval (5 ms by default) for the holder. 16 clients searching: 72 -> 81 req/s at 0.5 ms (benchmarks/api.py).
    sys.setswitchinterval(settings.api_switch_interval_ms / 1000)
    app = create_app(settings)
    app.state.trellis.warm_up()
    _print_usage(settings, url, key_file)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        ws_max_size=settings.api_max_request_bytes,  # a WebSocket message is bounded as a request body is
        timeout_graceful_shutdown=max(1, int(settings.api_stop_timeout_s) - 5),  # before `--stop` kills it
    )


def register(app: typer.Typer) -> None:
    """Add ``trellis serve`` to the root app."""
    app.command()(serve)
