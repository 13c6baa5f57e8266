"""benchmarks/gpu_search.py: without a GPU it says so and measures nothing (CI and CPU machines skip it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import REPO
from trellis.kg.vectors import gpu_count


def test_without_a_gpu_the_benchmark_is_skipped() -> None:
    if gpu_count():
        pytest.skip("a GPU is present: the benchmark measures it")
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gpu_search.py"), "--vectors", "1000"],
        capture_output=True, text=True, timeout=300, check=False, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stdout and "nothing measured" in " ".join(result.stdout.split())
