"""Embedding similarity for entity resolution: vectors of a batch's names and of the entities they may match.

Known entities are compared with every name of the batch at once, one matrix product per type in slices that
fit memory; the entities the batch itself creates are compared as they appear, so a later spelling variant
finds an earlier name of the same batch.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from trellis.kg.errors import ModelError
from trellis.kg.ingest.resolution.catalogue import Entry

__all__ = ["EmbedFunction", "NameVectors"]

logger = logging.getLogger(__name__)

EmbedFunction = Callable[[list[str]], Any]
"""Texts in, one vector per text out (shape ``(n, d)``): ``kg.vectors.Embedder.embed``, say."""

_SLICE_CELLS = 1 << 24  # scores computed at once: 64 MiB of float32


class _VectorTable:
    """Unit vectors of one type's new entities, growing as the batch creates them."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._matrix: np.ndarray | None = None

    def add(self, entry_id: str, vector: np.ndarray) -> None:
        if self._matrix is None:
            self._matrix = np.empty((16, vector.shape[0]), dtype=np.float32)
        elif len(self.ids) == len(self._matrix):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
        self._matrix[len(self.ids)] = vector
        self.ids.append(entry_id)

    def above(self, vector: np.ndarray, threshold: float) -> set[str]:
        if self._matrix is None:
            return set()
        scores = self._matrix[: len(self.ids)] @ vector
        return {self.ids[i] for i in np.flatnonzero(scores >= threshold)}


class NameVectors:
    """The vectors of one batch: :meth:`prepare` once, then :meth:`near` per name, :meth:`add` per new entity."""

    def __init__(self, embed: EmbedFunction, similarity: float) -> None:
        self._embed = embed
        self._similarity = similarity
        self._vectors: dict[str, np.ndarray] = {}
        self._known_hits: dict[tuple[str, str], set[str]] = {}
        self._new: dict[str, _VectorTable] = defaultdict(_VectorTable)

    def prepare(self, names: Iterable[tuple[str, str]], known: Iterable[Entry]) -> None:
        """Embed the batch's ``(type, name)`` pairs, and score them against the known entities of their types.

        A known entity's stored embedding is used when it has the embedder's size; otherwise its name is
        embedded again (the model changed since it was stored).
        """
        names = sorted(set(names))
        if not names:
            return
        displays = sorted({name for _, name in names})
        self._vectors.update(zip(displays, self._unit_rows(displays), strict=True))
        dimensions = len(self._vectors[displays[0]])
        types = {entity_type for entity_type, _ in names}
        entries = [entry for entry in known if entry.type in types]
        for entry in entries:
            if entry.embedding is not None and entry.embedding.shape != (dimensions,):
                logger.warning("entity %s has a %s embedding, not %d-d: re-embedding its name", entry.id,
                               entry.embedding.shape, dimensions)  # fmt: skip
                entry.embedding = None
        missing = sorted({entry.name for entry in entries if entry.embedding is None} - self._vectors.keys())
        if missing:
            self._vectors.update(zip(missing, self._unit_rows(missing), strict=True))
        for entity_type in types:
            of_type = [entry for entry in entries if entry.type == entity_type]
            queries = [name for kind, name in names if kind == entity_type]
            self._score_known(entity_type, queries, of_type)

    def _score_known(self, entity_type: str, queries: list[str], entries: list[Entry]) -> None:
        if not entries:
            return
        ids = [entry.id for entry in entries]
        matrix = np.stack([self._vectors[e.name] if e.embedding is None else _unit(e.embedding) for e in entries])
        rows = max(1, _SLICE_CELLS // len(entries))
        for start in range(0, len(queries), rows):
            chunk = queries[start : start + rows]
            scores = np.stack([self._vectors[name] for name in chunk]) @ matrix.T
            for name, row in zip(chunk, scores, strict=True):
                self._known_hits[(entity_type, name)] = {ids[i] for i in np.flatnonzero(row >= self._similarity)}

    def vector(self, name: str) -> np.ndarray | None:
        """The unit vector of a name :meth:`prepare` embedded."""
        return self._vectors.get(name)

    def near(self, entity_type: str, name: str) -> set[str]:
        """Entities of ``entity_type`` whose name vector lies within the similarity threshold of ``name``'s."""
        vector = self._vectors.get(name)
        if vector is None:
            return set()
        found = set(self._known_hits.get((entity_type, name), ()))
        return found | self._new[entity_type].above(vector, self._similarity)

    def add(self, entity_type: str, entry_id: str, vector: np.ndarray) -> None:
        """Record an entity the batch created, so later names are compared with it too."""
        self._new[entity_type].add(entry_id, vector)

    def _unit_rows(self, texts: list[str]) -> np.ndarray:
        matrix = np.asarray(self._embed(texts), dtype=np.float32)
        if matrix.ndim != 2 or len(matrix) != len(texts):
            raise ModelError(f"the embedder returned shape {matrix.shape} for {len(texts)} texts; expected (n, d)")
        unit: np.ndarray = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return unit


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
