"""The embedding model run by ONNX Runtime on the CPU: the same vectors as torch, without torch's cost per call.

The sentence-transformers model (its transformer *and* its pooling, whatever they are) is exported once with
``torch.onnx.export`` into ``<cache_dir>/onnx/<key>/model.onnx``. The key hashes the model's files and the
versions of torch and onnxruntime, so a changed model is exported again. A fresh export is checked against torch
on probe texts before it is used (cosine >= :data:`MIN_COSINE`); one that disagrees is not kept. Texts are
tokenised by the model's own ``preprocess`` (the same truncation and padding as torch), and the vectors are
L2-normalised here, as ``encode(normalize_embeddings=True)`` does.

It pays for short calls (a question, a few entity names), where torch's fixed cost per call dominates, and not for
long texts (see :data:`kg.vectors.embedder.ONNX_MAX_TEXTS`; figures in ``docs/benchmarks.md``). ONNX Runtime's
``run`` releases the GIL for the whole forward pass, where torch's Python modules hold it between operations, so an
API embeds beside its other requests. One session is kept per thread count (``torch.get_num_threads()`` of the
calling thread), so the thread limits of :mod:`kg.vectors.threads` apply unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trellis.kg.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["MIN_COSINE", "OnnxEncoder", "onnxruntime_available"]

logger = logging.getLogger(__name__)

MIN_COSINE = 0.9999
"""How close (cosine, each probe text) the exported model's vectors must be to torch's to be used."""

_PROBES = [
    "What is the population of the capital of Afghanistan?",
    "Kabul",
    "Albert Einstein was born in Ulm, in the Kingdom of Württemberg in the German Empire, on 14 March 1879. " * 12,
]


def onnxruntime_available() -> bool:
    """Whether onnxruntime and onnx (for the export) can be imported."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class OnnxEncoder:
    """Embeds texts with an ONNX export of a loaded sentence-transformers model."""

    def __init__(
        self, model: SentenceTransformer, model_path: str, cache_dir: Path, *, tokenizer_lock: threading.RLock
    ) -> None:
        """Export ``model`` (read from ``model_path``) into ``cache_dir`` unless already there, and check it.

        ``tokenizer_lock`` guards the model's tokenizer, which other code uses too (a fast tokenizer used from two
        threads at once fails); the sessions run outside it, so calls from two threads overlap.
        Raises :class:`~kg.errors.ModelError` when the export fails or its vectors differ from torch's.
        """
        import onnxruntime

        self._model = model
        self._tokenizer_lock = tokenizer_lock
        self._ort = onnxruntime
        self._sessions: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.path = cache_dir / "onnx" / _key(model_path) / "model.onnx"
        if not self.path.is_file():
            self._export()
        try:
            self._session(1)
        except ModelError as exc:  # a file cut short or damaged: export it again, once
            logger.warning("%s; exporting it again", exc)
            shutil.rmtree(self.path.parent, ignore_errors=True)
            self._sessions.clear()
            self._export()
            self._session(1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts``, one float32 row each, in their order."""
        import torch

        with self._tokenizer_lock:
            features = _features(self._model, list(texts))
        return self._session(torch.get_num_threads()).unit_vectors(features)

    def _session(self, threads: int) -> _Session:
        session = self._sessions.get(threads)
        if session is None:
            with self._lock:
                session = self._sessions.get(threads)
                if session is None:
                    session = self._sessions[threads] = _Session(self._ort, self.path, threads)
        return session

    def _export(self) -> None:
        """Export to a temporary folder, check against torch, then move into place (atomic for other processes)."""
        import torch

        self.path.parent.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="export-", dir=self.path.parent.parent))
        try:
            features = _features(self._model, _PROBES[:2])
            names = list(features)
            axes = {name: {0: "texts", 1: "tokens"} for name in names}
            wrapper = _exported_module(self._model, names).eval()
            logger.info("exporting the embedding model to ONNX: %s", self.path.parent)
            with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the tracer's notes on the model's Python branches
                torch.onnx.export(
                    wrapper,
                    tuple(features[name] for name in names),
                    str(staging / "model.onnx"),
                    input_names=names,
                    output_names=["sentence_embedding"],
                    dynamic_axes={**axes, "sentence_embedding": {0: "texts"}},
                    opset_version=17,
                    dynamo=False,
                )
            self._check(staging / "model.onnx")
            try:
                os.replace(staging, self.path.parent)
            except OSError:  # another process exported the same model first: keep theirs
                if not self.path.is_file():
                    raise
        except ModelError:
            raise
        except Exception as exc:  # torch.onnx raises many kinds; the caller falls back to torch
            raise ModelError(f"cannot export the embedding model to ONNX: {exc}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _check(self, path: Path) -> None:
        expected = self._model.encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True)
        got = _Session(self._ort, path, 1).unit_vectors(_features(self._model, _PROBES))
        cosine = float((np.asarray(expected) * got).sum(axis=1).min())
        if cosine < MIN_COSINE:
            raise ModelError(f"the ONNX export of the embedding model disagrees with torch (cosine {cosine:.6f})")


class _Session:
    """One ONNX Runtime session with a fixed number of threads that sleep rather than spin when idle."""

    def __init__(self, ort: Any, path: Path, threads: int) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(threads, 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning threads burn the core that spaCy, Neo4j or another request needs on a small machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for unreadable models
            raise ModelError(f"ONNX Runtime cannot load {path}: {exc}") from exc
        self.input_names = [item.name for item in self._session.get_inputs()]

    def unit_vectors(self, features: dict[str, Any]) -> np.ndarray:
        """The L2-normalised float32 vectors of the tokeniser's ``features`` (the inputs the model takes)."""
        feeds = {name: features[name].numpy().astype(np.int64) for name in self.input_names}
        (vectors,) = self._session.run(None, feeds)
        return np.asarray(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12), np.float32)


def _exported_module(model: SentenceTransformer, names: list[str]) -> Any:
    import torch

    class Exported(torch.nn.Module):
        """The model's modules (transformer, pooling, ...) as a function of the tokeniser's tensors."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            embedding: torch.Tensor = self.model(dict(zip(names, tensors, strict=True)))["sentence_embedding"]
            return embedding

    return Exported()


def _features(model: SentenceTransformer, texts: Sequence[str]) -> dict[str, Any]:
    """The model's own tokenisation of ``texts`` (``preprocess`` in sentence-transformers >= 5, else ``tokenize``)."""
    preprocess = getattr(model, "preprocess", None) or model.tokenize
    return dict(preprocess(list(texts)))


def _key(model_path: str) -> str:
    """A name for the export of the model at ``model_path``: its files (names, sizes, times) and the versions."""
    import onnxruntime
    import torch

    digest = hashlib.sha256(f"{torch.__version__}|{onnxruntime.__version__}|v1".encode())
    root = Path(model_path).expanduser()
    if root.is_dir():
        for file in sorted(root.rglob("*")):
            if file.is_file():
                stat = file.stat()
                digest.update(f"{file.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    else:  # a hub name in the local cache
        digest.update(model_path.encode())
    return digest.hexdigest()[:16]
