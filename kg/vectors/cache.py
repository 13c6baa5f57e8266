"""A bounded LRU cache of query embeddings: the same question asked again skips the model.

Keys are the embedding model and the exact text (callers pass text already normalised, e.g. by
``retrieval.questions.clean_question``); values are read-only float32 vectors, so a caller can never change what
another caller gets. Size 0 turns the cache off. Thread-safe: the API embeds from many threads at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

__all__ = ["EmbeddingCache"]


class EmbeddingCache:
    """At most ``size`` vectors, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError(f"the cache size must be 0 or more, got {size}")
        self.size = size
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, model: str, text: str) -> np.ndarray | None:
        """The vector of ``text`` under ``model``, or None."""
        if self.size == 0:
            return None
        key = (model, text)
        with self._lock:
            vector = self._vectors.get(key)
            if vector is None:
                self.misses += 1
                return None
            self._vectors.move_to_end(key)
            self.hits += 1
            return vector

    def put(self, model: str, text: str, vector: np.ndarray) -> None:
        """Remember ``vector`` (copied, read-only) for ``text`` under ``model``."""
        if self.size == 0:
            return
        kept = np.array(vector, dtype=np.float32, copy=True)
        kept.setflags(write=False)
        with self._lock:
            self._vectors[(model, text)] = kept
            self._vectors.move_to_end((model, text))
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()
