"""``trellis neo4j start|stop|status|logs``: the local Neo4j server, or the one named by NEO4J_URI."""

from __future__ import annotations

import time

import typer
from rich.console import Console

from trellis.api.services.status import graph_counts, server_info
from trellis.kg.errors import ServerNotRunningError
from trellis.kg.graph import GraphStore, LocalServer
from trellis.kg.settings import get_settings

__all__ = ["app"]

app = typer.Typer(help="Run and inspect the Neo4j server.", no_args_is_help=True)
console = Console()


@app.command()
def start() -> None:
    """Start the local Neo4j server (fetched from Maven Central the first time) and wait until it answers."""
    settings = get_settings()
    if not settings.uses_local_server:
        console.print(f"NEO4J_URI is set: using {settings.neo4j_uri}, nothing to start")
        return
    with console.status("starting Neo4j (the first start fetches it from Maven Central)..."):
        result = LocalServer(settings).start()
    verb = "already running" if result.already_running else f"started in {result.seconds:.1f} s"
    console.print(f"[green]Neo4j {verb}[/green] (pid {result.pid})")
    console.print(f"Bolt    {settings.bolt_uri}\nBrowser {settings.browser_url}")


@app.command()
def stop() -> None:
    """Stop the local Neo4j server."""
    settings = get_settings()
    if not settings.uses_local_server:
        console.print(f"NEO4J_URI is set: {settings.neo4j_uri} is not managed by Trellis, nothing to stop")
        return
    stopped = LocalServer(settings).stop()
    console.print("[green]Neo4j stopped[/green]" if stopped else "Neo4j was not running")


@app.command()
def status() -> None:
    """Show the server's version, edition, addresses and graph counts."""
    settings = get_settings()
    if settings.uses_local_server and LocalServer(settings).pid() is None:
        raise ServerNotRunningError(
            f"the local Neo4j server is not running (home {settings.neo4j_home}): start it with `trellis neo4j start`"
        )
    with GraphStore(settings) as store:
        store.verify()
        server = server_info(store)
        counts = graph_counts(store)
    console.print(f"[green]Neo4j {server.version} {server.edition}[/green] is up")
    console.print(f"Bolt    {settings.bolt_uri}")
    if settings.uses_local_server:
        console.print(f"HTTP    {settings.http_url}\nBrowser {settings.browser_url}")
        console.print(f"Home    {settings.neo4j_home} (pid {LocalServer(settings).pid()})")
    console.print("Graph   " + ", ".join(f"{value} {key}" for key, value in counts.model_dump().items()))


@app.command()
def logs(
    lines: int = typer.Option(50, "--lines", "-n", min=1, help="How many lines to show."),
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep printing new lines."),
    debug: bool = typer.Option(False, "--debug", help="Show debug.log instead of neo4j.log."),
) -> None:
    """Print the end of the local server's log."""
    server = LocalServer(get_settings())
    name = "debug.log" if debug else "neo4j.log"
    for line in server.log_lines(lines, name=name):
        console.print(line, markup=False, highlight=False)
    if not follow:
        return
    path = server.log_dir / name
    with path.open(errors="replace") as handle:
        handle.seek(0, 2)
        try:
            while True:
                line = handle.readline()
                if line:
                    console.print(line.rstrip("\n"), markup=False, highlight=False)
                else:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            return
