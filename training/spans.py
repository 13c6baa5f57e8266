"""Reading an answer in a passage: the span as the passage writes it."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["written"]


def written(text: str, surfaces: Sequence[str]) -> str | None:
    """The first of ``surfaces`` that ``text`` holds as a whole word or name, as ``text`` writes it; None if none."""
    for surface in (" ".join(surface.split()) for surface in surfaces):
        if surface and (found := re.search(rf"(?<!\w){re.escape(surface)}(?!\w)", text, re.IGNORECASE)):
            return found.group()
    return None
