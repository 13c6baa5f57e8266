"""The coalescer on its own: results in the right order for every caller, errors reach every caller."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from trellis.kg.vectors.coalesce import Coalescer


def _lengths(texts: Sequence[str]) -> np.ndarray:
    time.sleep(0.02)  # long enough for the other callers to queue
    return np.array([[len(t), i] for i, t in enumerate(texts)], dtype=np.float32)


def test_each_caller_gets_its_own_rows_and_waiting_callers_share_a_batch() -> None:
    coalesce = Coalescer(_lengths, max_texts=64)
    barrier = threading.Barrier(12)

    def call(i: int) -> np.ndarray:
        barrier.wait()
        return coalesce(["x" * i, "y" * (i + 100)])

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(call, range(12)))
    assert [r[:, 0].tolist() for r in results] == [[i, i + 100] for i in range(12)]
    assert coalesce.batches < 12


def test_a_batch_never_exceeds_max_texts_but_a_large_call_still_runs() -> None:
    sizes: list[int] = []

    def record(texts: Sequence[str]) -> np.ndarray:
        sizes.append(len(texts))
        return _lengths(texts)

    coalesce = Coalescer(record, max_texts=4)
    barrier = threading.Barrier(6)

    def call(i: int) -> np.ndarray:
        barrier.wait()
        return coalesce(["a" * i] * (3 if i == 0 else 1) + (["b"] * 5 if i == 5 else []))

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(call, range(6)))
    assert [len(r) for r in results] == [3, 1, 1, 1, 1, 6]
    assert all(size <= 4 for size in sizes if size != 6)


def test_an_error_of_the_model_reaches_every_caller_of_the_batch() -> None:
    def broken(texts: Sequence[str]) -> np.ndarray:
        time.sleep(0.02)
        raise RuntimeError("model failed")

    coalesce = Coalescer(broken)
    barrier = threading.Barrier(5)

    def call(i: int) -> str:
        barrier.wait()
        with pytest.raises(RuntimeError, match="model failed"):
            coalesce([str(i)])
        return "raised"

    with ThreadPoolExecutor(max_workers=5) as pool:
        assert list(pool.map(call, range(5))) == ["raised"] * 5


class _Overlap:
    """An embed function that records how many of its calls ran at once at most."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self._guard = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        with self._guard:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return _lengths(texts)
        finally:
            with self._guard:
                self.running -= 1


def _single_calls(coalesce: Coalescer, callers: int) -> list[np.ndarray]:
    barrier = threading.Barrier(callers)

    def call(i: int) -> np.ndarray:
        barrier.wait()
        return coalesce(["x" * i])

    with ThreadPoolExecutor(max_workers=callers) as pool:
        return list(pool.map(call, range(callers)))


def test_with_two_batches_allowed_two_run_at_once_and_every_caller_gets_its_rows() -> None:
    overlap = _Overlap()
    coalesce = Coalescer(overlap, max_texts=3, max_batches=2)
    results = _single_calls(coalesce, 16)
    assert [r[:, 0].tolist() for r in results] == [[i] for i in range(16)]
    assert overlap.most == 2  # never more than allowed, and the second batch did not wait for the first
    assert coalesce.batches < 16


def test_one_batch_at_a_time_by_default() -> None:
    overlap = _Overlap()
    coalesce = Coalescer(overlap, max_texts=2)
    results = _single_calls(coalesce, 8)
    assert [r[:, 0].tolist() for r in results] == [[i] for i in range(8)]
    assert overlap.most == 1
