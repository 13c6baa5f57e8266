"""String ids to FAISS's int64 ids: a stable hash, and the map back, which refuses collisions.

FAISS keys vectors by int64; Trellis keys chunks by strings such as ``"doc-abc:00003"``. :func:`hash_id`
turns a string into a non-negative int64 that is the same in every process and on every machine (blake2b,
8 bytes, 63 bits); :class:`IdMap` remembers the strings so search results can be returned as strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from trellis.kg.errors import VectorIndexError

__all__ = ["IdMap", "hash_id", "hash_ids"]

_MASK_63 = (1 << 63) - 1


def hash_id(id_: str) -> int:
    """The int64 FAISS id of a string id: blake2b (8 bytes) of its UTF-8, masked to 63 bits (so >= 0)."""
    digest = hashlib.blake2b(id_.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _MASK_63


def hash_ids(ids: Iterable[str]) -> np.ndarray:
    """:func:`hash_id` of each id, as an int64 array."""
    return np.fromiter((hash_id(i) for i in ids), dtype=np.int64)


class IdMap:
    """The string ids held by an index, reachable from their int64 hashes."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._names: dict[int, str] = {}
        self.add(list(ids))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, id_: object) -> bool:
        return isinstance(id_, str) and self._names.get(hash_id(id_)) == id_

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def check(self, ids: Sequence[str]) -> np.ndarray:
        """The int64 ids of ``ids``, checked to be non-empty strings, distinct, and colliding with nothing."""
        labels = np.empty(len(ids), dtype=np.int64)
        batch: dict[int, str] = {}
        for position, id_ in enumerate(ids):
            if not isinstance(id_, str) or not id_:
                raise ValueError(f"vector ids must be non-empty strings, got {id_!r}")
            label = hash_id(id_)
            seen = batch.get(label)
            if seen == id_:
                raise ValueError(f"the id {id_!r} appears twice in one batch")
            other = seen if seen is not None else self._names.get(label)
            if other is not None and other != id_:
                raise VectorIndexError(
                    f"the ids {other!r} and {id_!r} hash to the same FAISS id {label}; rename one of them"
                )
            batch[label] = id_
            labels[position] = label
        return labels

    def add(self, ids: Sequence[str]) -> np.ndarray:
        """Remember ``ids`` (checked as by :meth:`check`) and return their int64 ids."""
        labels = self.check(ids)
        self._names.update(zip(labels.tolist(), ids, strict=True))
        return labels

    def discard(self, ids: Iterable[str]) -> np.ndarray:
        """Forget those of ``ids`` that are held, and return their int64 ids; ids not held are skipped."""
        removed = []
        for id_ in ids:
            label = hash_id(id_)
            if self._names.get(label) == id_:
                del self._names[label]
                removed.append(label)
        return np.asarray(removed, dtype=np.int64)

    def label(self, id_: str) -> int | None:
        """The int64 id of ``id_`` when it is held, else None."""
        label = hash_id(id_)
        return label if self._names.get(label) == id_ else None

    def name(self, label: int) -> str | None:
        """The string id of an int64 id, or None when it is not held (FAISS's -1 for 'no result', say)."""
        return self._names.get(label)

    def labels(self) -> np.ndarray:
        """The int64 ids held, in the order of :meth:`names`."""
        return np.fromiter(self._names.keys(), dtype=np.int64, count=len(self._names))

    def names(self) -> list[str]:
        """The string ids held, in the order of :meth:`labels`."""
        return list(self._names.values())
