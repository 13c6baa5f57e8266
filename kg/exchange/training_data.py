"""The training dataset (``train|dev|test.jsonl`` with ``manifest.json`` and ``stats.json``, as ``trellis train
dataset`` writes it) as the ``training_examples`` table, and back.

Each example keeps its JSON line verbatim in the ``example`` column, so an import writes the very same files and the
dataset's data hash (which a fine-tuned run records) still matches; the other columns are for analysts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa

from trellis.kg.errors import ExportFormatError
from trellis.kg.exchange.manifest import TrainingFiles
from trellis.kg.exchange.tables import Table

__all__ = ["SPLITS", "has_dataset", "restore_dataset", "training_batches", "training_files"]

SPLITS = ("train", "dev", "test")
_COLUMNS = ("id", "kind", "predicate", "question", "answer", "target", "anchor")
_BATCH = 1_000


def has_dataset(folder: Path | None) -> bool:
    """Whether ``folder`` holds a dataset (its manifest is written last, so it marks a whole one)."""
    return folder is not None and (folder / "manifest.json").is_file()


def training_files(folder: Path) -> TrainingFiles:
    return TrainingFiles(
        manifest=(folder / "manifest.json").read_text(encoding="utf-8"),
        stats=(folder / "stats.json").read_text(encoding="utf-8") if (folder / "stats.json").is_file() else "{}",
    )


def _row(line: str, split: str) -> dict[str, object]:
    try:
        example = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ExportFormatError(f"a line of the {split} split is not JSON: {exc}") from None
    return {**{name: example.get(name) for name in _COLUMNS}, "example": line, "split": split}


def training_batches(folder: Path, table: Table) -> Iterator[pa.RecordBatch]:
    """The examples of every split, in file order."""
    for split in SPLITS:
        path = folder / f"{split}.jsonl"
        if not path.is_file():
            continue
        rows: list[dict[str, object]] = []
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    rows.append(_row(line.rstrip("\n"), split))
                if len(rows) == _BATCH:
                    yield pa.RecordBatch.from_pylist(rows, schema=table.schema)
                    rows = []
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema=table.schema)


def restore_dataset(folder: Path, batches: Iterable[pa.RecordBatch], files: TrainingFiles) -> int:
    """Write the dataset into ``folder`` all at once (built aside, then renamed in); returns the examples written."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dataset-", dir=folder.parent))
    written = 0
    try:
        handles = {split: (staging / f"{split}.jsonl").open("w", encoding="utf-8") for split in SPLITS}
        try:
            for batch in batches:
                splits, lines = batch.column("split").to_pylist(), batch.column("example").to_pylist()
                for split, line in zip(splits, lines, strict=True):
                    if split not in handles:
                        raise ExportFormatError(f"training example of unknown split {split!r}: expected {SPLITS}")
                    handles[split].write(line + "\n")
                    written += 1
        finally:
            for handle in handles.values():
                handle.close()
        (staging / "stats.json").write_text(files.stats, encoding="utf-8")
        (staging / "manifest.json").write_text(files.manifest, encoding="utf-8")
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
