"""The three FAISS structures behind :class:`kg.vectors.index.VectorIndex`, one small class each.

Each holds one CPU FAISS index and speaks in int64 labels (hashes of string ids, see :mod:`kg.vectors.ids`):

- ``flat``: exact inner-product search, ``IndexIDMap2(IndexFlatIP)``; removes in place.
- ``ivf``: ``IndexIVFFlat`` trained on the vectors it is built from, with a hash-table direct map so it can
  remove and reconstruct by label; retrained (by a rebuild) once it has far outgrown what it was trained on.
- ``hnsw``: ``IndexHNSWFlat``, which cannot remove: removed vectors become tombstones that search filters out,
  and the index is rebuilt once tombstones pass a fraction of it.

Scores are inner products, that is cosine similarities for the unit vectors the embedder makes.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import faiss
import numpy as np

from trellis.kg.settings import Settings

__all__ = ["KINDS", "Backend", "FlatBackend", "HNSWBackend", "IVFBackend", "backend_class"]

HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
IVF_MIN_NPROBE = 8
IVF_RETRAIN_GROWTH = 4  # retrain an IVF index once it holds this many times the vectors it was trained on
TOMBSTONE_FRACTION = 0.2  # rebuild an HNSW index once this share of its vectors are tombstones

# Missing from the type stubs that faiss ships, present in every faiss >= 1.8.
_HASHTABLE: int = faiss.DirectMap.Hashtable  # type: ignore[attr-defined]
_SearchParametersHNSW: Any = faiss.SearchParametersHNSW  # type: ignore[attr-defined]


class Backend(ABC):
    """One FAISS index and the bookkeeping it needs to add, remove, search and give back vectors by label."""

    kind: ClassVar[str]
    gpu_capable: ClassVar[bool] = True

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    @abstractmethod
    def create(cls, dimensions: int, settings: Settings, training: np.ndarray) -> Backend:
        """An empty index of ``dimensions``; ``training`` is what it will hold, for kinds that train on it."""

    @classmethod
    @abstractmethod
    def restore(cls, index: faiss.Index, labels: np.ndarray, state: dict[str, Any]) -> Backend:
        """The backend around an index read from disk, given its live labels and the :meth:`state` saved."""

    @property
    def tombstones(self) -> int:
        """How many removed vectors the index still holds."""
        return 0

    def needs_rebuild(self, live: int) -> str | None:
        """Why the index should be rebuilt from its vectors now, or None."""
        return None

    @abstractmethod
    def add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under labels none of which are held."""

    @abstractmethod
    def remove(self, labels: np.ndarray) -> None:
        """Remove the vectors of held labels."""

    def search(self, queries: np.ndarray, k: int, index: faiss.Index | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Scores and labels (-1: none) of the ``k`` best matches of each query, on ``index`` if given."""
        return (index or self.index).search(queries, k)

    def reconstruct(self, labels: np.ndarray) -> np.ndarray:
        """The stored vectors of held labels, in their order."""
        if len(labels) == 0:
            return np.empty((0, self.index.d), dtype=np.float32)
        return self.index.reconstruct_batch(labels)

    def state(self, labels: np.ndarray) -> dict[str, Any]:
        """What :meth:`restore` needs besides the FAISS index, for the live ``labels`` in this order."""
        return {}


class FlatBackend(Backend):
    """Exact search over every vector."""

    kind = "flat"

    @classmethod
    def create(cls, dimensions: int, settings: Settings, training: np.ndarray) -> FlatBackend:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimensions)))

    @classmethod
    def restore(cls, index: faiss.Index, labels: np.ndarray, state: dict[str, Any]) -> FlatBackend:
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"expected a flat IndexIDMap2, found {type(index).__name__}")
        stored = faiss.vector_to_array(index.id_map)
        if len(stored) != len(labels) or set(stored.tolist()) != set(labels.tolist()):
            raise ValueError("the flat index does not hold the ids its sidecar lists")
        return cls(index)

    def add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        self.index.add_with_ids(vectors, labels)

    def remove(self, labels: np.ndarray) -> None:
        self.index.remove_ids(faiss.IDSelectorBatch(labels))


class IVFBackend(Backend):
    """Inverted lists over k-means cells: search probes the cells nearest the query."""

    kind = "ivf"

    index: faiss.IndexIVFFlat

    def __init__(self, index: faiss.IndexIVFFlat, trained_on: int) -> None:
        super().__init__(index)
        self.trained_on = trained_on
        index.nprobe = min(index.nlist, max(IVF_MIN_NPROBE, round(math.sqrt(index.nlist))))

    @classmethod
    def create(cls, dimensions: int, settings: Settings, training: np.ndarray) -> IVFBackend:
        n = len(training)
        if n == 0:
            raise ValueError("an IVF index is trained on the vectors it will hold; there are none")
        nlist = settings.faiss_ivf_lists or round(4 * math.sqrt(n))
        nlist = max(1, min(nlist, n))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimensions), dimensions, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.min_points_per_centroid = 1  # few points per cell is our choice, not a mistake to warn about
        index.train(training)
        index.set_direct_map_type(_HASHTABLE)
        return cls(index, trained_on=n)

    @classmethod
    def restore(cls, index: faiss.Index, labels: np.ndarray, state: dict[str, Any]) -> IVFBackend:
        if not isinstance(index, faiss.IndexIVFFlat) or index.ntotal != len(labels):
            raise ValueError("the IVF index does not hold as many vectors as its sidecar lists")
        if index.direct_map.type != _HASHTABLE:
            index.set_direct_map_type(_HASHTABLE)
        return cls(index, trained_on=int(state.get("trained_on", index.ntotal)))

    def needs_rebuild(self, live: int) -> str | None:
        if live > IVF_RETRAIN_GROWTH * self.trained_on:
            return f"it holds {live} vectors and was trained on {self.trained_on}"
        return None

    def add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        self.index.add_with_ids(vectors, labels)

    def remove(self, labels: np.ndarray) -> None:
        self.index.remove_ids(faiss.IDSelectorArray(labels))  # the hash-table direct map takes only an array

    def state(self, labels: np.ndarray) -> dict[str, Any]:
        return {"trained_on": self.trained_on, "nlist": int(self.index.nlist)}


class HNSWBackend(Backend):
    """A navigable small-world graph. FAISS numbers its vectors 0, 1, ...; ``slots`` maps those to labels."""

    kind = "hnsw"
    gpu_capable = False  # FAISS has no GPU HNSW; CAGRA would be a different index

    def __init__(self, index: faiss.Index, slots: np.ndarray) -> None:
        super().__init__(index)
        self._slots = slots  # FAISS position -> label, -1 for a tombstone
        self._slot_of = {label: slot for slot, label in enumerate(slots.tolist()) if label >= 0}

    @classmethod
    def create(cls, dimensions: int, settings: Settings, training: np.ndarray) -> HNSWBackend:
        index = faiss.IndexHNSWFlat(dimensions, settings.faiss_hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        return cls(index, np.empty(0, dtype=np.int64))

    @classmethod
    def restore(cls, index: faiss.Index, labels: np.ndarray, state: dict[str, Any]) -> HNSWBackend:
        positions = np.asarray(state.get("slots", []), dtype=np.int64)
        if not isinstance(index, faiss.IndexHNSWFlat) or len(positions) != len(labels):
            raise ValueError("the HNSW sidecar does not give a slot for each id")
        if len(positions) and (positions.min() < 0 or positions.max() >= index.ntotal):
            raise ValueError("the HNSW sidecar names slots the index does not have")
        if len(np.unique(positions)) != len(positions):
            raise ValueError("the HNSW sidecar gives two ids the same slot")
        slots = np.full(index.ntotal, -1, dtype=np.int64)
        slots[positions] = labels
        return cls(index, slots)

    @property
    def tombstones(self) -> int:
        return len(self._slots) - len(self._slot_of)

    def needs_rebuild(self, live: int) -> str | None:
        if self.tombstones and self.tombstones > TOMBSTONE_FRACTION * len(self._slots):
            return f"{self.tombstones} of its {len(self._slots)} vectors are removed"
        return None

    def add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        start = len(self._slots)
        self.index.add(vectors)
        self._slots = np.concatenate([self._slots, labels])
        self._slot_of.update(zip(labels.tolist(), range(start, start + len(labels)), strict=True))

    def remove(self, labels: np.ndarray) -> None:
        for label in labels.tolist():
            slot = self._slot_of.pop(label, None)
            if slot is not None:
                self._slots[slot] = -1

    def search(self, queries: np.ndarray, k: int, index: faiss.Index | None = None) -> tuple[np.ndarray, np.ndarray]:
        params = _SearchParametersHNSW()
        params.efSearch = max(HNSW_EF_SEARCH, k)
        if self.tombstones:
            bitmap = np.packbits(self._slots >= 0, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(self._slots), faiss.swig_ptr(bitmap))
            params.sel = selector  # bitmap and selector stay referenced by these locals during the search
        scores, positions = self.index.search(queries, k, params=params)
        labels = np.where(positions >= 0, self._slots[np.maximum(positions, 0)], -1)
        return scores, labels

    def reconstruct(self, labels: np.ndarray) -> np.ndarray:
        positions = np.fromiter((self._slot_of[label] for label in labels.tolist()), dtype=np.int64)
        return super().reconstruct(positions)

    def state(self, labels: np.ndarray) -> dict[str, Any]:
        return {"slots": [self._slot_of[label] for label in labels.tolist()]}


KINDS: dict[str, type[Backend]] = {cls.kind: cls for cls in (FlatBackend, IVFBackend, HNSWBackend)}


def backend_class(kind: str) -> type[Backend]:
    """The backend class of an index kind (``flat``, ``ivf``, ``hnsw``)."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {sorted(KINDS)}") from None
