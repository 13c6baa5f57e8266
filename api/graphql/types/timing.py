"""How long one stage of answering took."""

from __future__ import annotations

import strawberry

__all__ = ["Timing"]


@strawberry.type(description="How long one stage of answering took, in seconds.")
class Timing:
    stage: str
    seconds: float

    @classmethod
    def from_domain(cls, timings: dict[str, float]) -> list[Timing]:
        return [cls(stage=stage, seconds=seconds) for stage, seconds in timings.items()]
