"""How many malloc arenas the server's threads share (glibc): fewer arenas keep a busy server's memory flat.

glibc gives each thread that allocates while others do an arena of its own, up to eight per core. A server's
request threads, torch's and the tokenizers' allocate and free buffers of every size in turn; each arena keeps its
freed pages, fragmented, for its own thread, so a busy server's resident memory keeps climbing; two arenas hold
it flat at the same throughput (`benchmarks/load.py`, figures in docs/benchmarks.md). Outside glibc (musl, macOS)
there is nothing to set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

__all__ = ["limit_malloc_arenas"]

logger = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def limit_malloc_arenas(arenas: int) -> bool:
    """Let this process's threads share at most ``arenas`` malloc arenas (call it before the server starts its
    threads); False where the C library is not glibc or refused the setting."""
    if arenas < 1:
        raise ValueError(f"arenas must be at least 1, got {arenas}")
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        logger.info("malloc arenas not limited: the C library has no mallopt")
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))
