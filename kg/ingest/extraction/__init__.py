"""Extraction: entity mentions and typed relations from chunks.

:class:`SpacyExtractor` (the default) reads named entities and a dependency parse; :class:`LLMExtractor` asks
a chat model instead (off unless ``settings.llm_extraction``). Both satisfy :class:`Extractor`.
"""

from kg.ingest.extraction.base import Extractor
from kg.ingest.extraction.labels import SPACY_LABELS, entity_type
from kg.ingest.extraction.llm import LLMExtractor
from kg.ingest.extraction.predicates import normalise_predicate
from kg.ingest.extraction.relations import CO_OCCURS_WITH
from kg.ingest.extraction.spacy_extractor import SpacyExtractor, load_pipeline

__all__ = [
    "CO_OCCURS_WITH",
    "SPACY_LABELS",
    "Extractor",
    "LLMExtractor",
    "SpacyExtractor",
    "entity_type",
    "load_pipeline",
    "normalise_predicate",
]
