"""The extractor contract: chunks in, one :class:`~kg.types.ExtractionResult` per chunk out, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from trellis.kg.types import Chunk, ExtractionResult

__all__ = ["Extractor"]


@runtime_checkable
class Extractor(Protocol):
    """Finds mentions and relations in chunks; a pure function of the chunks, so any worker can run it."""

    def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
        """One result per chunk, in the order given; a chunk with nothing in it gets an empty result."""
        ...
