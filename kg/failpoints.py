"""Named points where a fault-injection test kills this process, to prove that a crash there loses nothing.

``TRELLIS_FAILPOINT=NAME`` (or ``NAME:N``, the Nth time the point is passed) makes the process kill itself with
SIGKILL at that point: no cleanup, no ``finally``, as a power cut or the OOM killer would. Unset (always, outside
tests), a point costs one comparison. The points of the ingest are :data:`POINTS`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

from kg.settings import Settings

__all__ = ["POINTS", "failpoint"]

POINTS = (
    "ingest.loaded",  # a document was read
    "ingest.extracted",  # a batch's chunks were extracted
    "ingest.neo4j-committed",  # a batch is in Neo4j, not yet in FAISS
    "ingest.faiss-chunks-saved",  # the chunk index is saved, the entity index not yet
)

_passed: Counter[str] = Counter()
_lock = threading.Lock()


def failpoint(settings: Settings, name: str) -> None:
    """Kill this process here when ``settings.failpoint`` names this point (and this is its Nth pass)."""
    if settings.failpoint is None:
        return
    point, _, nth = settings.failpoint.partition(":")
    if point != name:
        return
    with _lock:
        _passed[name] += 1
        if _passed[name] >= int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
