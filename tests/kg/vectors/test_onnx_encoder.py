"""The embedder on ONNX Runtime: the same vectors as torch, one export per model, damaged files replaced.

Real packaged all-MiniLM-L6-v2, real torch.onnx export and onnxruntime (``slow``: loading and exporting take
10-30 s).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trellis.kg.errors import ModelError
from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder
from trellis.kg.vectors.embedder import ONNX_MAX_CHARS, ONNX_MAX_TEXTS

TEXTS = [
    "What is the population of the capital of Afghanistan?",
    "Kabul",
    "",
    "Ж ж 東京 — naïve café, 42 % 'quoted' \"double\" MATCH (n) DETACH DELETE n",
    "Ulm lies on the Danube. " * 200,  # far past the model's 256 tokens: cut the same way
]


def settings(tmp_path: Path, runtime: str) -> Settings:
    return Settings(_env_file=None, device="cpu", cache_dir=tmp_path, embedding_runtime=runtime)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def torch_embedder(cache: Path) -> Embedder:
    return Embedder(settings(cache, "torch"))


@pytest.fixture(scope="module")
def onnx_embedder(cache: Path) -> Embedder:
    return Embedder(settings(cache, "onnx"))


@pytest.mark.slow
def test_onnx_vectors_equal_torch_vectors(torch_embedder: Embedder, onnx_embedder: Embedder) -> None:
    assert (torch_embedder.runtime, onnx_embedder.runtime) == ("torch", "onnx")
    expected = torch_embedder.embed(TEXTS)
    got = onnx_embedder.embed(TEXTS)
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert float((expected * got).sum(axis=1).min()) > 0.9999
    # One text alone gets the vector it gets in a batch.
    np.testing.assert_allclose(onnx_embedder.embed_one(TEXTS[0]), got[0], atol=1e-5)


@pytest.mark.slow
def test_auto_runs_small_calls_on_onnx_and_bulk_on_torch_with_the_same_vectors(
    cache: Path, torch_embedder: Embedder
) -> None:
    auto = Embedder(settings(cache, "auto"))
    assert auto.runtime == "auto"
    many = [f"document {i} about the river Danube near Ulm" for i in range(ONNX_MAX_TEXTS + 5)]
    long = ["The Danube flows through Ulm. " * 20]  # past ONNX_MAX_CHARS: torch
    assert len(long[0]) > ONNX_MAX_CHARS
    for texts in (TEXTS[:2], many, long):
        assert float((auto.embed(texts) * torch_embedder.embed(texts)).sum(axis=1).min()) > 0.9999


@pytest.mark.slow
def test_the_export_is_made_once_and_reused(cache: Path, onnx_embedder: Embedder) -> None:
    assert onnx_embedder._onnx is not None
    path = onnx_embedder._onnx.path
    assert path.is_file() and path.is_relative_to(cache / "onnx")
    written = path.stat().st_mtime_ns
    again = Embedder(settings(cache, "onnx"))
    assert again._onnx is not None and again._onnx.path == path
    assert path.stat().st_mtime_ns == written
    assert [p.name for p in (cache / "onnx").iterdir()] == [path.parent.name]  # no staging folder left


@pytest.mark.slow
def test_a_damaged_export_is_made_again(tmp_path: Path, onnx_embedder: Embedder) -> None:
    first = Embedder(settings(tmp_path, "onnx"))
    assert first._onnx is not None
    first._onnx.path.write_bytes(b"not an onnx file")
    repaired = Embedder(settings(tmp_path, "onnx"))
    assert repaired.runtime == "onnx"
    np.testing.assert_allclose(repaired.embed(TEXTS[:2]), onnx_embedder.embed(TEXTS[:2]), atol=1e-5)


def test_onnx_on_a_gpu_device_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="CPU only"):
        Embedder(Settings(_env_file=None, device="cuda", cache_dir=tmp_path, embedding_runtime="onnx"))


def test_an_unknown_runtime_is_refused() -> None:
    with pytest.raises(ValueError, match="embedding_runtime"):
        Settings(_env_file=None, embedding_runtime="tensorrt")  # type: ignore[arg-type]


@pytest.mark.parametrize("interval", [0, -1, 1000])
def test_an_out_of_range_gil_switch_interval_is_refused(interval: float) -> None:
    with pytest.raises(ValueError, match="api_switch_interval_ms"):
        Settings(_env_file=None, api_switch_interval_ms=interval)
