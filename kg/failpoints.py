"""Named points where a fault-injection test interrupts this process, to prove that a crash there loses nothing.

``TRELLIS_FAILPOINT=NAME`` (or ``NAME:N``, the Nth time the point is passed) makes the process kill itself with
SIGKILL at that point: no cleanup, no ``finally``, as a power cut or the OOM killer would. ``NAME:N:pause`` makes it
wait there instead, while a test does something to the world around it (kills Neo4j): the process writes
``failpoint-NAME.paused`` in its data folder and goes on once that file is gone. Unset (always, outside tests), a
point costs one comparison. The points of the ingest are :data:`POINTS`.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

from trellis.kg.settings import Settings

__all__ = ["POINTS", "failpoint", "pause_marker"]

POINTS = (
    "ingest.loaded",  # a document was read
    "ingest.extracted",  # a batch's chunks were extracted
    "ingest.neo4j-committed",  # a batch is in Neo4j, not yet in FAISS
    "ingest.faiss-chunks-saved",  # the chunk index is saved, the entity index not yet
)
_PAUSE_POLL_S = 0.05

_passed: Counter[str] = Counter()
_lock = threading.Lock()


def pause_marker(settings: Settings, name: str) -> Path:
    """The file whose presence holds a process paused at point ``name``."""
    return settings.data_dir / f"failpoint-{name}.paused"


def failpoint(settings: Settings, name: str) -> None:
    """Kill this process here, or pause it, when ``settings.failpoint`` names this point (and this is its Nth
    pass)."""
    if settings.failpoint is None:
        return
    point, _, rest = settings.failpoint.partition(":")
    if point != name:
        return
    nth, _, action = rest.partition(":")
    with _lock:
        _passed[name] += 1
        if _passed[name] != int(nth or 1):
            return
        if action != "pause":
            os.kill(os.getpid(), signal.SIGKILL)
        marker = pause_marker(settings, name)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        while marker.exists():
            time.sleep(_PAUSE_POLL_S)
