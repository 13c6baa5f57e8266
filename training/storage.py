"""A dataset on disk: ``train.jsonl``, ``dev.jsonl``, ``test.jsonl``, ``stats.json`` and ``manifest.json``.

The data hash is the SHA-256 of the three JSONL files in split order; a run records it, so a model names the exact
data it learnt from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from trellis.retrieval.types import AnswerOptions
from trellis.training.errors import DatasetNotFoundError
from trellis.training.types import DatasetStats, Example, Split

__all__ = ["SPLITS", "DatasetManifest", "data_hash", "read_manifest", "read_split", "write_dataset"]

SPLITS: tuple[Split, ...] = ("train", "dev", "test")


class DatasetManifest(BaseModel):
    """How a dataset was made: the retrieval options its contexts used, the seed, the graph it came from."""

    created_at: datetime
    options: AnswerOptions
    seed: int
    relations: int
    paraphrased: bool = False
    data_hash: str
    settings: dict[str, object] = Field(default_factory=dict)


def _lines(examples: Sequence[Example]) -> str:
    return "".join(example.model_dump_json() + "\n" for example in examples)


def data_hash(folder: Path) -> str:
    """SHA-256 of the split files, in split order."""
    digest = hashlib.sha256()
    for split in SPLITS:
        path = folder / f"{split}.jsonl"
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_dataset(
    folder: Path, examples: Sequence[Example], *, stats: DatasetStats, manifest: DatasetManifest
) -> DatasetManifest:
    """Write the dataset into ``folder`` all at once (built aside, then moved in place); returns the manifest."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dataset-", dir=folder.parent))
    try:
        for split in SPLITS:
            (staging / f"{split}.jsonl").write_text(_lines([e for e in examples if e.split == split]), encoding="utf-8")
        digest = data_hash(staging)
        manifest = manifest.model_copy(update={"data_hash": digest})
        stats = stats.model_copy(update={"data_hash": digest})
        (staging / "stats.json").write_text(stats.model_dump_json(indent=2), encoding="utf-8")
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def read_split(folder: Path, split: Split) -> list[Example]:
    """The examples of one split; a missing or unreadable file is a DatasetNotFoundError naming the fix."""
    path = folder / f"{split}.jsonl"
    if not path.is_file():
        raise DatasetNotFoundError(f"no {split} split at {path}: build the dataset with `trellis train dataset`")
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            examples.append(Example.model_validate_json(line))
        except ValidationError as exc:
            raise DatasetNotFoundError(f"{path}:{number} is not an example: {exc.errors()[0]['msg']}") from None
    return examples


def read_manifest(folder: Path) -> DatasetManifest:
    """The dataset's manifest (options, seed, data hash)."""
    path = folder / "manifest.json"
    try:
        return DatasetManifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise DatasetNotFoundError(f"no dataset at {folder}: build one with `trellis train dataset`") from None
    except (ValueError, ValidationError) as exc:
        raise DatasetNotFoundError(f"{path} is unreadable: {exc}") from None
