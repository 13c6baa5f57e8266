"""Rich progress bars for long work: one bar per ingest stage."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["StageBars"]


class StageBars:
    """An :class:`~trellis.kg.progress.Progress` drawn as rich bars (documents loaded, chunks extracted, ...)."""

    _LABELS: ClassVar[dict[str, str]] = {
        "load": "loading documents",
        "extract": "extracting (spaCy)",
        "embed": "embedding chunks",
        "write": "writing to Neo4j",
    }

    def __init__(self, console: Console) -> None:
        self.bars = Progress(
            TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=False,
        )  # fmt: skip
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> StageBars:
        self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()

    def stage(self, name: str, total: int) -> None:
        task = self._tasks.get(name)
        if task is None:
            self._tasks[name] = self.bars.add_task(self._LABELS.get(name, name), total=total or None)
        elif total:
            current = self.bars.tasks[task].total or 0
            self.bars.update(task, total=current + total)

    def advance(self, name: str, amount: int = 1) -> None:
        if name not in self._tasks:
            self.stage(name, 0)
        self.bars.advance(self._tasks[name], amount)
