"""The query embedding cache on its own: bounded LRU, read-only vectors, keyed by model and text, off at size 0."""

from __future__ import annotations

import numpy as np
import pytest

from trellis.kg.vectors.cache import EmbeddingCache


def _vector(value: float) -> np.ndarray:
    return np.full(4, value, dtype=np.float32)


def test_keeps_at_most_size_vectors_dropping_the_least_recently_used() -> None:
    cache = EmbeddingCache(2)
    cache.put("m", "a", _vector(1))
    cache.put("m", "b", _vector(2))
    assert cache.get("m", "a") is not None  # "a" is now the most recently used
    cache.put("m", "c", _vector(3))
    assert len(cache) == 2
    assert cache.get("m", "b") is None
    assert np.array_equal(cache.get("m", "a"), _vector(1))  # type: ignore[arg-type]
    assert np.array_equal(cache.get("m", "c"), _vector(3))  # type: ignore[arg-type]
    assert (cache.hits, cache.misses) == (3, 1)


def test_keys_are_model_and_exact_text() -> None:
    cache = EmbeddingCache(8)
    cache.put("model-a", "Capital of Albania?", _vector(1))
    assert cache.get("model-b", "Capital of Albania?") is None
    assert cache.get("model-a", "capital of albania?") is None
    assert cache.get("model-a", "Capital of Albania?") is not None


def test_vectors_are_copies_and_read_only() -> None:
    cache = EmbeddingCache(8)
    given = _vector(1)
    cache.put("m", "a", given)
    given[:] = 5  # the caller's array changing later does not reach the cache
    kept = cache.get("m", "a")
    assert kept is not None and np.array_equal(kept, _vector(1))
    with pytest.raises(ValueError, match="read-only"):
        kept[0] = 9


def test_size_zero_keeps_nothing() -> None:
    cache = EmbeddingCache(0)
    cache.put("m", "a", _vector(1))
    assert cache.get("m", "a") is None and len(cache) == 0
    with pytest.raises(ValueError):
        EmbeddingCache(-1)
