"""Extraction: entity mentions and typed relations from chunks.

:class:`SpacyExtractor` (the default) reads named entities and a dependency parse; :class:`LLMExtractor` asks
a chat model instead (off unless ``settings.llm_extraction``). Both satisfy :class:`Extractor`.
"""

from trellis.kg.ingest.extraction.base import Extractor
from trellis.kg.ingest.extraction.labels import SPACY_LABELS, entity_type
from trellis.kg.ingest.extraction.llm import LLMExtractor
from trellis.kg.ingest.extraction.predicates import normalise_predicate
from trellis.kg.ingest.extraction.relations import CO_OCCURS_WITH
from trellis.kg.ingest.extraction.spacy_extractor import SpacyExtractor, load_pipeline

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
