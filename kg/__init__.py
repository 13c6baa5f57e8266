"""Trellis knowledge layer: settings, errors, the Neo4j graph, vectors and ingestion."""

from kg.errors import TrellisError
from kg.settings import Settings, get_settings

__all__ = ["Settings", "TrellisError", "get_settings"]
