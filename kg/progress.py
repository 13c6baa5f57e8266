"""Progress of long work (ingest, export, import, training data): stages with a total, advanced as items finish.

The CLI draws rich bars from it and the API's jobs record it; :class:`QuietProgress` reports nowhere.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Progress", "QuietProgress"]


class Progress(Protocol):
    """Where long work reports its stages."""

    def stage(self, name: str, total: int) -> None:
        """A stage begins a batch of ``total`` items."""

    def advance(self, name: str, amount: int = 1) -> None:
        """``amount`` more items of the stage are done."""


class QuietProgress:
    """A :class:`Progress` that reports nowhere."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, amount: int = 1) -> None:
        pass
