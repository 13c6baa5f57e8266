"""The compute thread limit: torch's for the process, FAISS's in every thread that searches."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest
import torch

from trellis.kg.settings import Settings
from trellis.kg.vectors import VectorIndex, threads


@pytest.fixture
def restored() -> Iterator[None]:
    torch_before, faiss_before = torch.get_num_threads(), faiss.omp_get_max_threads()
    yield
    threads._limit = None
    torch.set_num_threads(torch_before)
    faiss.omp_set_num_threads(faiss_before)


def test_the_limit_reaches_torch_and_faiss_searches_in_other_threads(restored: None, tmp_path: Path) -> None:
    index = VectorIndex(Settings(_env_file=None), folder=tmp_path, dimensions=4)
    index.add(["a", "b"], np.eye(2, 4, dtype=np.float32))
    threads.limit_compute_threads(1)
    seen: dict[str, int] = {}

    def search() -> None:
        assert index.search(np.eye(1, 4, dtype=np.float32), 1)[0][0][0] == "a"
        seen["faiss"], seen["torch"] = faiss.omp_get_max_threads(), torch.get_num_threads()

    worker = threading.Thread(target=search)
    worker.start()
    worker.join()
    assert seen == {"faiss": 1, "torch": 1}
    with pytest.raises(ValueError):
        threads.limit_compute_threads(0)


def test_core_share_takes_a_thread_from_torch_only_while_the_other_work_runs(restored: None) -> None:
    count = torch.get_num_threads()
    share = threads.CoreShare()
    seen: list[int] = []

    def embedding_thread() -> None:  # what the ingest's build thread does before each torch operation
        share.adjust()
        seen.append(torch.get_num_threads())

    def in_a_thread() -> None:
        worker = threading.Thread(target=embedding_thread)
        worker.start()
        worker.join()

    try:
        with share.busy():
            in_a_thread()
        in_a_thread()
    finally:
        share.restore()
    assert seen == [max(1, count - 1), count]
    assert torch.get_num_threads() == count
