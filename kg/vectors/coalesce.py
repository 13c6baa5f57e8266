"""Coalescing of small concurrent embedding calls into one model batch (group commit, no background thread).

Sixteen API requests that each embed one question cost sixteen forward passes when they take turns on the model;
one forward pass over the sixteen questions costs a little more than one. A caller that finds the model busy
queues its texts and waits; when the model frees up, the first waiting caller becomes the leader, takes every
queued request (up to ``max_texts`` texts), runs them as one batch and hands each caller its rows. A caller alone
runs at once, so a single user pays nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Coalescer"]


@dataclass(eq=False)
class _Request:
    texts: Sequence[str]
    result: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = field(default=False)
    taken: bool = field(default=False)  # in a batch that a leader is running


class Coalescer:
    """Runs ``embed(texts)`` for many threads at once, batching the texts of callers that had to wait."""

    def __init__(
        self, embed: Callable[[Sequence[str]], np.ndarray], *, max_texts: int = 64, max_batches: int = 1
    ) -> None:
        """``max_batches``: how many batches may run at once (more than one only for a model whose runs may
        overlap, such as an ONNX Runtime session, one core each)."""
        self._embed = embed
        self._max_texts = max_texts
        self._max_batches = max_batches
        self._pending: list[_Request] = []
        self._running = 0
        self._changed = threading.Condition()
        self.batches = 0
        """How many model batches ran (tests and benchmarks read it)."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        request = _Request(list(texts))
        with self._changed:
            self._pending.append(request)
            while True:
                while not request.done and (request.taken or self._running >= self._max_batches):
                    self._changed.wait()
                if request.done:
                    break
                batch = self._take()
                self._running += 1
                self._changed.release()
                try:
                    self._run(batch)
                finally:
                    self._changed.acquire()
                    self._running -= 1
                    self._changed.notify_all()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    def _take(self) -> list[_Request]:
        """The queued requests of the next batch, oldest first, at most ``max_texts`` texts (at least one)."""
        batch: list[_Request] = []
        size = 0
        while self._pending and (not batch or size + len(self._pending[0].texts) <= self._max_texts):
            request = self._pending.pop(0)
            request.taken = True
            batch.append(request)
            size += len(request.texts)
        return batch

    def _run(self, batch: list[_Request]) -> None:
        texts = [text for request in batch for text in request.texts]
        try:
            vectors = self._embed(texts)
        except BaseException as exc:  # every caller of the batch sees the model's error, not a hang
            for request in batch:
                request.error, request.done = exc, True
            return
        self.batches += 1
        start = 0
        for request in batch:
            request.result, request.done = vectors[start : start + len(request.texts)], True
            start += len(request.texts)
