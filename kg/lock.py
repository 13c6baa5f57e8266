"""One writer at a time for the vector indexes and the graph, and a stamp of each write that readers in any process
can check in a few microseconds (the retriever reads its indexes and graph snapshot again when it moves).

With the neo4j vector backend the readers may run on other machines, with index folders of their own, so their
generation is read from the graph itself instead (one small query: ``graph_generation``).

Writers (ingest, delete, rebuild, import) take the lock; readers (the retriever, the API) only check the generation,
so this lives beside the settings, below both."""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from trellis.kg.files import private_folder
from trellis.kg.settings import Settings

if TYPE_CHECKING:
    from trellis.kg.graph import GraphStore

__all__ = ["index_generation", "index_lock"]

_GENERATION = ".generation"


@contextmanager
def index_lock(settings: Settings) -> Iterator[None]:
    """One writer at a time for the vector indexes and the graph (ingest, delete, rebuild). Leaving it stamps a new
    :func:`index_generation`, so readers in any process know to read the indexes and the graph again."""
    private_folder(settings.index_dir)
    with (settings.index_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            _stamp_generation(settings)
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_generation(settings: Settings, store: GraphStore | None = None) -> str | None:
    """Which write last left :func:`index_lock` (None before any): a read of a few bytes, cheap enough to check on
    every question. With the neo4j vector backend and a ``store``, which write last changed the graph, whatever
    process or machine made it: one round trip to Neo4j."""
    if store is not None and settings.vector_backend == "neo4j":
        (row,) = store.query("graph_generation")
        return f"{row['documents']} {row['latest']}"
    try:
        return (settings.index_dir / _GENERATION).read_text()
    except FileNotFoundError:
        return None


def _stamp_generation(settings: Settings) -> None:
    """A new, unique generation, put in place atomically (readers never see half a stamp)."""
    stamp = settings.index_dir / _GENERATION
    fresh = stamp.with_name(f"{_GENERATION}.{os.getpid()}")
    fresh.write_text(f"{time.time_ns()} {uuid.uuid4().hex}\n")
    fresh.replace(stamp)
