"""Vectors: the embedder (text to unit vectors) and the FAISS index keyed by chunk ids."""

from kg.vectors.embedder import Embedder, default_model_path, resolve_device
from kg.vectors.ids import hash_id
from kg.vectors.index import SearchHit, VectorIndex, gpu_count

__all__ = [
    "Embedder",
    "SearchHit",
    "VectorIndex",
    "default_model_path",
    "gpu_count",
    "hash_id",
    "resolve_device",
]
