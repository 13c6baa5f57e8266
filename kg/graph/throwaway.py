"""A throwaway Neo4j server: the local server ``trellis neo4j start`` runs, in a temporary home on free ports.

Benchmarks and the evaluation harness ingest into one so that they never touch a developer's database (7687/7474)
or the test suite's; the server is stopped and its folder removed on the way out, also after an error or Ctrl-C.
"""

from __future__ import annotations

import logging
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trellis.kg.graph.schema import apply_schema
from trellis.kg.graph.server import LocalServer
from trellis.kg.graph.store import GraphStore
from trellis.kg.settings import Settings

__all__ = ["RESERVED_PORTS", "free_port", "throwaway_server"]

logger = logging.getLogger(__name__)

RESERVED_PORTS = frozenset({7474, 7687, 27687})
"""Ports a throwaway server must never take: the developer's server and the ones other tools use."""


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
    base: Settings | None = None, *, heap: str = "2g", pagecache: str = "1g", prefix: str = "trellis-throwaway-"
) -> Iterator[tuple[Settings, GraphStore]]:
    """Start a Neo4j server in a temporary folder; yield its settings and a store with the schema applied.

    ``base`` gives every other setting (models, device, ...); the data folder, ports, password and memory are the
    throwaway server's own.
    """
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as folder:
        bolt = free_port()
        own = {
            "data_dir": Path(folder) / "data",
            "neo4j_uri": None,
            "neo4j_password": None,
            "neo4j_bolt_port": bolt,
            "neo4j_http_port": free_port(taken={bolt}),
            "neo4j_heap": heap,
            "neo4j_pagecache": pagecache,
        }
        settings = base.model_copy(update=own) if base is not None else Settings(**own)  # type: ignore[arg-type]
        server = LocalServer(settings)
        try:
            started = server.start()
            logger.info("throwaway Neo4j on %s started in %.1f s", settings.bolt_uri, started.seconds)
            with GraphStore(settings) as store:
                apply_schema(store)
                yield settings, store
        finally:
            server.stop()
