"""Helpers shared by the benchmarks: a throwaway Neo4j server of their own, on free ports, in a temporary home.

The server is the one ``trellis neo4j start`` runs (same distribution, same launcher, fetched once into the cache);
only its ports, home and memory differ, so a benchmark never touches a developer's database (7687/7474) or the
test suite's.
"""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from kg.graph import GraphStore, LocalServer, apply_schema
from kg.settings import Settings

__all__ = ["RESERVED_PORTS", "free_port", "throwaway_server"]

RESERVED_PORTS = frozenset({7474, 7687, 27687})
"""Ports a benchmark must never take: the developer's server and the ones other tools use."""


def free_port(*, taken: set[int] | None = None) -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, not reserved and not in ``taken``."""
    avoid = RESERVED_PORTS | (taken or set())
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in avoid:
            return port


@contextmanager
def throwaway_server(
    console: Console, *, heap: str = "2g", pagecache: str = "1g"
) -> Iterator[tuple[Settings, GraphStore]]:
    """Start a Neo4j server in a temporary folder, yield its settings and a store with the schema applied.

    The server is stopped and its folder removed on the way out, also after an error or Ctrl-C.
    """
    with tempfile.TemporaryDirectory(prefix="trellis-bench-", ignore_cleanup_errors=True) as folder:
        bolt = free_port()
        settings = Settings(
            data_dir=Path(folder) / "data",
            neo4j_uri=None,
            neo4j_password=None,
            neo4j_bolt_port=bolt,
            neo4j_http_port=free_port(taken={bolt}),
            neo4j_heap=heap,
            neo4j_pagecache=pagecache,
        )
        server = LocalServer(settings)
        try:
            with console.status(f"starting a throwaway Neo4j on {settings.bolt_uri} ..."):
                started = server.start()
            console.print(f"Neo4j started on {settings.bolt_uri} in {started.seconds:.1f} s (pid {started.pid})")
            with GraphStore(settings) as store:
                apply_schema(store)
                yield settings, store
        finally:
            with console.status("stopping Neo4j ..."):
                server.stop()
