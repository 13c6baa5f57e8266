"""The model registry pointer: which fine-tuned adapter the local generator uses.

Training writes it (:func:`write_promoted`) when a run beats the base model; the local generator reads it
(:func:`read_promoted`) when no adapter is named in the settings. The file is ``data_dir/models/promoted.json``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from trellis.kg.settings import Settings
from trellis.retrieval.errors import AdapterError

__all__ = ["PromotedModel", "promoted_path", "read_promoted", "write_promoted"]

logger = logging.getLogger(__name__)


class PromotedModel(BaseModel):
    """A fine-tuning run promoted to answer questions: its LoRA adapter and the base model it was trained on."""

    run: str
    adapter: Path
    base_model: str
    promoted_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def promoted_path(settings: Settings) -> Path:
    """Where the pointer lives."""
    return settings.data_dir / "models" / "promoted.json"


def read_promoted(settings: Settings) -> PromotedModel | None:
    """The promoted model, None when no run was promoted; a corrupt pointer is an :class:`AdapterError`."""
    path = promoted_path(settings)
    if not path.is_file():
        return None
    try:
        return PromotedModel.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise AdapterError(f"the promoted-model pointer {path} is unreadable ({exc}): promote a run again") from exc


def write_promoted(settings: Settings, model: PromotedModel) -> Path:
    """Point the local generator at ``model`` (atomically replacing any earlier pointer); returns the file."""
    path = promoted_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=".promoted-", suffix=".json", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(model.model_dump_json(indent=2))
    os.replace(scratch, path)
    logger.info("promoted run %s (adapter %s)", model.run, model.adapter)
    return path
