"""How many threads one torch or FAISS operation may use in this process (a server's choice).

A server answering many requests at once gains nothing from splitting one small operation over every core: the
requests already keep the cores busy, and OpenMP workers that spin-wait for their share burn the CPU that the
other requests (and Neo4j, on the same machine) need: on a busy machine a one-text embedding or a one-query FAISS
search costs many times its single-thread CPU time when split over all the cores.

torch keeps one setting per process. FAISS's OpenMP keeps one per thread, so :func:`apply_faiss_threads` sets it
in the calling thread before each search (a cheap check once it is set).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import faiss

__all__ = ["CoreShare", "apply_faiss_threads", "limit_compute_threads"]

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


class CoreShare:
    """Lets CPU-bound work in one thread take a core from the torch operations of another (spaCy extracting in the
    ingesting thread while the build thread embeds): an OpenMP worker without a core of its own stalls every
    operation it takes part in.

    torch applies a thread count to the thread that sets it, so the embedding thread calls :meth:`adjust` before
    each operation; the other thread marks its work with :meth:`busy`. :meth:`restore` puts the count back.
    """

    def __init__(self) -> None:
        self._busy = threading.Event()
        self._threads: int | None = None

    @contextmanager
    def busy(self) -> Iterator[None]:
        """While the block runs, torch operations started after :meth:`adjust` use one thread fewer."""
        self._busy.set()
        try:
            yield
        finally:
            self._busy.clear()

    def adjust(self) -> None:
        """In the thread about to run torch: its count, less one while the other thread is busy (at least 1)."""
        import torch

        if self._threads is None:
            self._threads = torch.get_num_threads()
        wanted = max(1, self._threads - 1) if self._busy.is_set() else self._threads
        if torch.get_num_threads() != wanted:
            torch.set_num_threads(wanted)

    def restore(self) -> None:
        """Put back the count found by the first :meth:`adjust`, in the calling thread and as the default."""
        if self._threads is not None:
            import torch

            torch.set_num_threads(self._threads)
