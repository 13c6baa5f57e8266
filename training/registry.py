"""The model registry: ``settings.data_dir / "models" / "runs" / <run-id>/`` holds a run's ``adapter/`` (peft LoRA),
``metadata.json`` (base model, data hash, metrics, date), ``loss.png`` and, while it trains, ``checkpoints/``.

A run folder without ``metadata.json`` is unfinished (a resume continues it). ``promote`` checks the adapter loads
onto its base model before it writes the pointer the generator reads (``retrieval/generators/promoted.py``), so a
corrupt adapter never becomes the served model.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trellis.kg.settings import Settings
from trellis.training.errors import CorruptAdapterError, RunNotFoundError
from trellis.training.types import RunMetadata

__all__ = [
    "check_adapter",
    "list_runs",
    "new_run_id",
    "promote",
    "read_run",
    "run_folder",
    "runs_folder",
    "update_metrics",
    "write_json",
    "write_metadata",
]

logger = logging.getLogger(__name__)

_METADATA = "metadata.json"


def runs_folder(settings: Settings) -> Path:
    """Where runs live."""
    return settings.data_dir / "models" / "runs"


def run_folder(settings: Settings, run: str) -> Path:
    """The folder of one run (refusing ids that would leave the runs folder)."""
    if not run or "/" in run or run.startswith("."):
        raise RunNotFoundError(f"{run!r} is not a run id: see `trellis train list`")
    return runs_folder(settings) / run


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as ``20261129-142233-a1b2``."""
    return f"{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def write_json(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a scratch file in the same folder, then renamed over it)."""
    handle, scratch = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(scratch, path)


def write_metadata(settings: Settings, metadata: RunMetadata) -> Path:
    """Write (atomically) the run's metadata, which marks the run finished."""
    folder = run_folder(settings, metadata.run)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _METADATA
    write_json(path, metadata.model_dump_json(indent=2))
    return path


def read_run(settings: Settings, run: str) -> RunMetadata:
    """The metadata of a finished run."""
    path = run_folder(settings, run) / _METADATA
    if not path.is_file():
        known = ", ".join(m.run for m in list_runs(settings)[-5:]) or "none yet"
        raise RunNotFoundError(f"no finished run {run!r} in {runs_folder(settings)} (latest: {known})")
    try:
        return RunMetadata.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise RunNotFoundError(f"the metadata of run {run!r} at {path} is unreadable: {exc}") from None


def list_runs(settings: Settings) -> list[RunMetadata]:
    """Every finished run, oldest first (unreadable ones are skipped with a warning)."""
    folder = runs_folder(settings)
    runs = []
    for path in sorted(folder.glob(f"*/{_METADATA}")) if folder.is_dir() else []:
        try:
            runs.append(RunMetadata.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, ValidationError) as exc:
            logger.warning("skipping %s: %s", path, exc)
    return runs


def update_metrics(settings: Settings, run: str, metrics: dict[str, Any]) -> RunMetadata:
    """Merge evaluation metrics into a run's metadata."""
    metadata = read_run(settings, run)
    updated = metadata.model_copy(update={"metrics": {**metadata.metrics, **metrics}})
    write_metadata(settings, updated)
    return updated


def check_adapter(metadata: RunMetadata) -> None:
    """Load the run's adapter onto its base model (CPU); a CorruptAdapterError says what is wrong."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    adapter = metadata.adapter
    if not (adapter / "adapter_config.json").is_file():
        raise CorruptAdapterError(f"run {metadata.run}: no LoRA adapter at {adapter} (adapter_config.json missing)")
    if not metadata.base_model_path.exists():
        raise CorruptAdapterError(f"run {metadata.run}: its base model {metadata.base_model_path} is gone")
    try:
        base = AutoModelForCausalLM.from_pretrained(str(metadata.base_model_path), dtype=torch.float32)
        PeftModel.from_pretrained(base, str(adapter))
    except Exception as exc:  # peft and safetensors raise many kinds on a damaged file
        raise CorruptAdapterError(
            f"run {metadata.run}: the adapter at {adapter} does not load onto {metadata.base_model} ({exc}); "
            "train it again"
        ) from exc


def promote(settings: Settings, run: str) -> Any:
    """Make the run's adapter the one the local generator loads; returns the pointer written."""
    from trellis.retrieval.generators.promoted import PromotedModel, write_promoted

    metadata = read_run(settings, run)
    check_adapter(metadata)
    pointer = PromotedModel(
        run=metadata.run,
        adapter=metadata.adapter,
        base_model=metadata.base_model,
        promoted_at=datetime.now(UTC),
    )
    write_promoted(settings, pointer)
    return pointer
