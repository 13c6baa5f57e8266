"""The vector index: chunk vectors in FAISS, keyed by string ids, saved atomically to a folder.

``VectorIndex`` picks its FAISS structure from ``settings.faiss_index_kind``: ``auto`` is exact (flat) search
up to ``settings.faiss_flat_max`` vectors and HNSW past it; ``flat``, ``hnsw`` and ``ivf`` force one (see
:mod:`kg.vectors.backends`). Whenever the structure no longer fits (it crossed the flat limit, HNSW tombstones
piled up, IVF outgrew its training), the index rebuilds itself from its own stored vectors. Neo4j keeps every
chunk's embedding too, so :meth:`VectorIndex.rebuild` can recreate the index from the graph at any time.

When FAISS has GPU support and GPUs are present (and ``settings.device`` is not ``cpu``), searches run on a
copy of the index sharded over all GPUs (:func:`to_gpu`); the CPU index stays the one that is changed and saved.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import faiss
import numpy as np

from trellis.kg.errors import VectorIndexError
from trellis.kg.settings import Settings, get_settings
from trellis.kg.vectors.backends import Backend, backend_class
from trellis.kg.vectors.ids import IdMap
from trellis.kg.vectors.storage import corrupt_error, read_snapshot, snapshot_exists, write_snapshot
from trellis.kg.vectors.threads import apply_faiss_threads

__all__ = ["SearchHit", "VectorIndex", "gpu_count", "gpu_options", "open_indexes", "to_gpu"]

logger = logging.getLogger(__name__)

SearchHit = tuple[str, float]
"""A search result: the string id and its score (inner product; cosine similarity for unit vectors)."""

GPU_MAX_K = 2048  # FAISS GPU indexes answer at most this many neighbours per query


def gpu_count() -> int:
    """How many GPUs FAISS can use: 0 for a CPU-only FAISS build or a machine without GPUs."""
    if not hasattr(faiss, "StandardGpuResources"):
        return 0
    try:
        return int(faiss.get_num_gpus())
    except RuntimeError:
        return 0


def to_gpu(index: faiss.Index) -> faiss.Index | None:
    """A copy of ``index`` spread over all GPUs, to search on; None without GPUs or when it cannot move.

    With several GPUs the copy is *sharded*: each GPU holds its share of the vectors and a search runs on all of
    them at once, the results merged (faiss ``IndexShards``), so the index that fits grows with the GPUs' memory.
    """
    gpus = gpu_count()
    if gpus == 0:
        return None
    try:
        return faiss.index_cpu_to_all_gpus(index, co=gpu_options(gpus))
    except (RuntimeError, AttributeError) as exc:
        logger.warning("searching on the CPU: FAISS could not move the %s to the GPUs: %s", type(index).__name__, exc)
        return None


def gpu_options(gpus: int) -> Any:
    """FAISS's cloner options for ``gpus`` GPUs: shards over several (each GPU its own part of the ids, in
    order), one whole copy on one."""
    options = faiss.GpuMultipleClonerOptions()
    options.shard = gpus > 1
    return options


class VectorIndex:
    """FAISS vectors keyed by string ids, with add / remove / search / save / load / rebuild.

    Vectors should be unit length (the embedder's are); scores are inner products. Methods are safe to call
    from several threads.
    """

    def __init__(self, settings: Settings, *, folder: str | Path | None = None, dimensions: int | None = None) -> None:
        """An empty index of ``dimensions`` (default ``settings.embedding_dimensions``), saved to ``folder``
        (default ``settings.index_dir``)."""
        self.settings = settings
        self.folder = Path(folder) if folder is not None else settings.index_dir
        self.dimensions = dimensions or settings.embedding_dimensions
        self._lock = threading.RLock()
        self._ids = IdMap()
        self._backend = self._new_backend(np.empty((0, self.dimensions), dtype=np.float32))
        self._gpu: faiss.Index | None = None
        self._gpu_stale = True

    # --- opening --------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: str | Path | None = None, *, settings: Settings | None = None) -> Self:
        """The index saved in ``folder`` (default ``settings.index_dir``); VectorIndexError when unusable."""
        settings = settings or get_settings()
        folder = Path(folder) if folder is not None else settings.index_dir
        snapshot = read_snapshot(folder)
        try:
            ids = IdMap(snapshot.ids)
            backend = backend_class(snapshot.kind).restore(snapshot.index, ids.labels(), snapshot.state)
        except (ValueError, VectorIndexError, KeyError, TypeError) as exc:
            raise corrupt_error(snapshot.path, str(exc)) from exc
        index = cls(settings, folder=folder, dimensions=snapshot.dimensions)
        index._ids, index._backend = ids, backend
        logger.info("loaded the vector index (%s, %d vectors) from %s", backend.kind, len(ids), snapshot.path)
        return index

    @classmethod
    def open(cls, settings: Settings, *, folder: str | Path | None = None, dimensions: int | None = None) -> Self:
        """The index saved in ``folder`` when there is one, else a new empty one that will be saved there."""
        path = Path(folder) if folder is not None else settings.index_dir
        if snapshot_exists(path):
            return cls.load(path, settings=settings)
        return cls(settings, folder=path, dimensions=dimensions)

    @staticmethod
    def exists(folder: str | Path) -> bool:
        """True when ``folder`` holds a saved index."""
        return snapshot_exists(Path(folder))

    # --- reading --------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, id_: object) -> bool:
        return id_ in self._ids

    @property
    def kind(self) -> str:
        """The FAISS structure in use now: ``flat``, ``hnsw`` or ``ivf``."""
        return self._backend.kind

    def ids(self) -> set[str]:
        """Every id the index holds."""
        with self._lock:
            return set(self._ids)

    def describe(self) -> dict[str, Any]:
        """Kind, size, dimensions, tombstones and GPU use, for status and check commands."""
        with self._lock:
            return {
                "kind": self.kind,
                "count": len(self._ids),
                "dimensions": self.dimensions,
                "tombstones": self._backend.tombstones,
                "gpus": gpu_count() if self._use_gpu() else 0,
                "folder": str(self.folder),
            }

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of ``ids``, in their order; KeyError names an id the index does not hold."""
        with self._lock:
            labels = np.empty(len(ids), dtype=np.int64)
            for position, id_ in enumerate(ids):
                label = self._ids.label(id_)
                if label is None:
                    raise KeyError(id_)
                labels[position] = label
            return self._backend.reconstruct(labels)

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those of ``ids`` the index holds, by id (the rest left out)."""
        with self._lock:
            held = [id_ for id_ in dict.fromkeys(ids) if id_ in self._ids]
            return dict(zip(held, self.vectors(held), strict=True)) if held else {}

    def search(self, vectors: np.ndarray, k: int) -> list[list[SearchHit]]:
        """The ``k`` best ``(id, score)`` of each query vector, best first (one list per query row)."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        queries = self._matrix(vectors, allow_single=True)
        with self._lock:
            if len(self._ids) == 0 or len(queries) == 0:
                return [[] for _ in range(len(queries))]
            k = min(k, len(self._ids))
            gpu = self._search_copy() if k <= GPU_MAX_K else None
            apply_faiss_threads()
            scores, labels = self._backend.search(queries, k, index=gpu)
            results = []
            for row_scores, row_labels in zip(scores.tolist(), labels.tolist(), strict=True):
                hits = []
                for score, label in zip(row_scores, row_labels, strict=True):
                    name = self._ids.name(label) if label >= 0 else None
                    if name is not None:
                        hits.append((name, float(score)))
                results.append(hits)
            return results

    # --- changing -------------------------------------------------------------------------------------------

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add vectors under string ids; an id the index already holds has its vector replaced."""
        ids = list(ids)
        matrix = self._matrix(vectors, rows=len(ids))
        if not ids:
            return
        with self._lock:
            labels = self._ids.check(ids)
            held = [id_ for id_ in ids if id_ in self._ids]
            if held:
                self._backend.remove(self._ids.discard(held))
            self._ids.add(ids)
            self._backend.add(labels, matrix)
            self._changed()

    def remove(self, ids: Iterable[str]) -> int:
        """Remove the vectors of ``ids``, skipping ids not held; returns how many were removed."""
        with self._lock:
            labels = self._ids.discard(ids)
            if len(labels):
                self._backend.remove(labels)
                self._changed()
            return len(labels)

    def rebuild(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Replace everything with these vectors, in a fresh index of the kind their number calls for."""
        ids = list(ids)
        matrix = self._matrix(vectors, rows=len(ids))
        with self._lock:
            self._replace(ids, matrix)

    def save(self, folder: str | Path | None = None) -> Path:
        """Save atomically to ``folder`` (default: the index's folder); returns the saved version's folder."""
        target = Path(folder) if folder is not None else self.folder
        with self._lock:
            labels = self._ids.labels()
            return write_snapshot(
                target,
                index=self._backend.index,
                kind=self._backend.kind,
                ids=self._ids.names(),
                state=self._backend.state(labels),
            )

    # --- inside ---------------------------------------------------------------------------------------------

    def _matrix(self, vectors: np.ndarray, *, rows: int | None = None, allow_single: bool = False) -> np.ndarray:
        matrix = np.asarray(vectors, dtype=np.float32)
        if allow_single and matrix.ndim == 1:
            matrix = matrix[None, :]
        if rows == 0 and matrix.size == 0:
            return np.empty((0, self.dimensions), dtype=np.float32)
        if matrix.ndim != 2:
            raise ValueError(f"expected a 2-d array of vectors, got shape {matrix.shape}")
        if matrix.shape[1] != self.dimensions:
            raise VectorIndexError(
                f"vectors of {matrix.shape[1]} dimensions do not fit the index of {self.dimensions}: the "
                "embedding model changed since the index was built; rebuild the index with the current model"
            )
        if rows is not None and matrix.shape[0] != rows:
            raise ValueError(f"got {rows} ids and {matrix.shape[0]} vectors")
        if not np.isfinite(matrix).all():
            raise ValueError("vectors hold NaN or infinite values")
        return np.ascontiguousarray(matrix)

    def _wanted_kind(self, count: int, current: str | None) -> str:
        configured = self.settings.faiss_index_kind
        if configured == "ivf":
            return "ivf" if count else "flat"  # IVF trains on its vectors: none yet, so flat until some arrive
        if configured != "auto":
            return configured
        limit = self.settings.faiss_flat_max
        if count > limit:
            return "hnsw"
        if current not in (None, "flat") and count > limit // 2:
            return current  # shrinking: stay approximate until well below the limit, not back and forth
        return "flat"

    def _new_backend(self, training: np.ndarray, current: str | None = None) -> Backend:
        kind = self._wanted_kind(len(training), current)
        return backend_class(kind).create(self.dimensions, self.settings, training)

    def _replace(self, ids: list[str], matrix: np.ndarray) -> None:
        id_map = IdMap(ids)
        backend = self._new_backend(matrix, current=self._backend.kind)
        if ids:
            backend.add(id_map.labels(), matrix)  # IdMap keeps the order it was given
        self._ids, self._backend = id_map, backend
        self._gpu_stale = True

    def _changed(self) -> None:
        self._gpu_stale = True
        count = len(self._ids)
        wanted = self._wanted_kind(count, self._backend.kind)
        reason = self._backend.needs_rebuild(count)
        if wanted != self._backend.kind:
            reason = f"{count} vectors call for a {wanted} index"
        if reason:
            logger.info("rebuilding the %s vector index: %s", self._backend.kind, reason)
            names, labels = self._ids.names(), self._ids.labels()
            self._replace(names, self._backend.reconstruct(labels))

    def _use_gpu(self) -> bool:
        device = self.settings.device
        return self._backend.gpu_capable and not (device and device.startswith("cpu"))

    def _search_copy(self) -> faiss.Index | None:
        if self._gpu_stale:
            self._gpu = to_gpu(self._backend.index) if self._use_gpu() and gpu_count() else None
            self._gpu_stale = False
        return self._gpu


def open_indexes(settings: Settings) -> tuple[VectorIndex, VectorIndex]:
    """The chunk and the entity vector indexes of ``settings`` (empty ones when none was saved yet)."""
    return (
        VectorIndex.open(settings, folder=settings.index_dir / "chunks"),
        VectorIndex.open(settings, folder=settings.index_dir / "entities"),
    )
