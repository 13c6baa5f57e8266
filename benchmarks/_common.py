"""Helpers shared by the benchmarks: a throwaway Neo4j server of their own, on free ports, in a temporary home.

The server is the one ``trellis neo4j start`` runs (same distribution, same launcher, fetched once into the cache);
only its ports, home and memory differ, so a benchmark never touches a developer's database (7687/7474) or the
test suite's. The server itself lives in :mod:`kg.graph.throwaway` (the evaluation CLI uses it too); this module
adds the console status line.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from rich.console import Console

from trellis.kg.graph import GraphStore
from trellis.kg.graph.throwaway import RESERVED_PORTS, free_port
from trellis.kg.graph.throwaway import throwaway_server as _throwaway_server
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, ExtractionResult

__all__ = ["RESERVED_PORTS", "NoEntities", "cpu_model", "free_port", "throwaway_server"]


class NoEntities:
    """An extractor that finds nothing: a padded benchmark graph of documents and chunks with their embeddings."""

    def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
        return [ExtractionResult(chunk_id=chunk.id) for chunk in chunks]


def cpu_model() -> str:
    """The CPU model as lscpu names it (the platform's processor string where lscpu is missing)."""
    try:
        listing = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in listing.splitlines() if line.startswith("Model name")]
    return f"{names[0] if names else 'unknown'}, {os.cpu_count()} CPUs"


@contextmanager
def throwaway_server(
    console: Console, *, heap: str = "2g", pagecache: str = "1g", base: Settings | None = None
) -> Iterator[tuple[Settings, GraphStore]]:
    """Start a Neo4j server in a temporary folder, yield its settings and a store with the schema applied.

    The server is stopped and its folder removed on the way out, also after an error or Ctrl-C.
    """
    with ExitStack() as stack:
        with console.status("starting a throwaway Neo4j ..."):
            server = _throwaway_server(base, heap=heap, pagecache=pagecache, prefix="trellis-bench-")
            settings, store = stack.enter_context(server)
        console.print(f"Neo4j started on {settings.bolt_uri}")
        yield settings, store
