"""Vectors: the embedder (text to unit vectors), the FAISS index keyed by chunk ids, and the search contract that
FAISS and Neo4j's vector indexes both keep (``TRELLIS_VECTOR_BACKEND``)."""

from trellis.kg.vectors.embedder import Embedder, default_model_path, resolve_device
from trellis.kg.vectors.ids import hash_id
from trellis.kg.vectors.index import SearchHit, VectorIndex, gpu_count
from trellis.kg.vectors.neo4j_search import Neo4jVectorSearch
from trellis.kg.vectors.search import VectorSearch, open_vector_search

__all__ = [
    "Embedder",
    "Neo4jVectorSearch",
    "SearchHit",
    "VectorIndex",
    "VectorSearch",
    "default_model_path",
    "gpu_count",
    "hash_id",
    "open_vector_search",
    "resolve_device",
]
