"""How many threads one torch or FAISS operation may use in this process (a server's choice).

A server answering many requests at once gains nothing from splitting one small operation over every core: the
requests already keep the cores busy, and OpenMP workers that spin-wait for their share burn the CPU that the
other requests (and Neo4j, on the same machine) need: measured on a busy 2-core machine, a one-text embedding
with two threads cost several times its single-thread CPU time, and a one-query FAISS search over 1,753 vectors
tens of times.

torch keeps one setting per process. FAISS's OpenMP keeps one per thread, so :func:`apply_faiss_threads` sets it
in the calling thread before each search (a cheap check once it is set).
"""

from __future__ import annotations

import faiss

__all__ = ["apply_faiss_threads", "limit_compute_threads"]

_limit: int | None = None


def limit_compute_threads(threads: int) -> None:
    """Let each torch and FAISS operation of this process use at most ``threads`` threads."""
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    import torch

    global _limit
    torch.set_num_threads(threads)
    _limit = threads
    apply_faiss_threads()


def apply_faiss_threads() -> None:
    """Give the calling thread the FAISS thread limit, when one is set."""
    if _limit is not None and faiss.omp_get_max_threads() != _limit:
        faiss.omp_set_num_threads(_limit)
