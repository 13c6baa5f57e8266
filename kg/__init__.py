"""Trellis knowledge layer: settings, errors, the Neo4j graph, vectors and ingestion."""

from trellis.kg.errors import TrellisError
from trellis.kg.settings import Settings, get_settings

__all__ = ["Settings", "TrellisError", "get_settings"]
