"""The names of the retrieval systems an evaluation compares (built by :mod:`retrieval.evaluation.systems`), kept
apart so that choosing and checking a question set loads none of them."""

from __future__ import annotations

__all__ = ["PROSE_SYSTEMS", "SYSTEM_NAMES"]

SYSTEM_NAMES = ("dense", "fulltext", "hybrid", "trellis")
"""The systems of the shipped GeoNames sets: Trellis beside dense-only, full-text-only and hybrid search."""
PROSE_SYSTEMS = ("dense", "bm25", "hybrid", "peer-hybrid", "trellis")
"""The systems of the prose evaluation: Trellis beside dense-only, BM25, plain hybrid search and the peer."""
