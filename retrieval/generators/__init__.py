"""Generators: turn a question and its context into a cited answer (extractive now; LLM generators later)."""

from retrieval.generators.base import NOT_IN_GRAPH, Generation, Generator
from retrieval.generators.extractive import ExtractiveGenerator

__all__ = ["NOT_IN_GRAPH", "ExtractiveGenerator", "Generation", "Generator"]
