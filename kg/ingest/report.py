"""What an ingest did: counts, failures with their reasons, and how fast each stage ran."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

from pydantic import BaseModel, Field

from trellis.kg.ingest.loaders import LoadFailure

__all__ = ["IngestReport"]


class IngestReport(BaseModel):
    """The closing summary of one ingest."""

    documents: int = 0
    replaced: int = 0
    skipped: int = 0
    chunks: int = 0
    entities: int = 0
    relations: int = 0
    tokens: int = 0
    seconds: float = 0.0
    failures: list[LoadFailure] = Field(default_factory=list)
    stage_seconds: dict[str, float] = Field(default_factory=lambda: defaultdict(float))

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        began = perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + perf_counter() - began
