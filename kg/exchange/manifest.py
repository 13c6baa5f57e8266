"""``trellis-export.json``: what an export holds. It is written last, so a folder with it is a whole export.

The manifest names every Parquet file of every table (relative to the export's root), with the row counts, the
embedding size and, when the export carries a training dataset, that dataset's own manifest and stats. An import
reads exactly the files it lists, so a stray file beside them is never loaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from trellis.kg.errors import ExportFormatError

__all__ = ["FORMAT", "MANIFEST_NAME", "VERSION", "ExportManifest", "TableFiles", "TrainingFiles", "parse_manifest"]

FORMAT: Literal["trellis-parquet"] = "trellis-parquet"
VERSION = 1
MANIFEST_NAME = "trellis-export.json"


class TableFiles(BaseModel):
    """One table of the export: its row count and its files."""

    rows: int = 0
    files: list[str] = Field(default_factory=list)


class TrainingFiles(BaseModel):
    """The training dataset's ``manifest.json`` and ``stats.json``, kept as they were written."""

    manifest: str
    stats: str


class ExportManifest(BaseModel):
    """The root file of an export."""

    format: Literal["trellis-parquet"] = FORMAT
    version: int = VERSION
    created_at: datetime
    embedding_dimensions: int
    tables: dict[str, TableFiles] = Field(default_factory=dict)
    training: TrainingFiles | None = None


def parse_manifest(text: str, *, where: str) -> ExportManifest:
    """The manifest in ``text``; ExportFormatError when it is not one, or of a version this Trellis cannot read."""
    try:
        manifest = ExportManifest.model_validate_json(text)
    except ValidationError as exc:
        problem = exc.errors()[0]
        location = ".".join(str(part) for part in problem["loc"])
        raise ExportFormatError(f"{where} is not a Trellis export manifest: {location}: {problem['msg']}") from None
    if manifest.version > VERSION:
        raise ExportFormatError(
            f"{where} is an export of format version {manifest.version}; this Trellis reads up to {VERSION}: upgrade"
        )
    return manifest
