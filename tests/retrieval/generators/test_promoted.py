"""The promoted-model pointer that training writes and the local generator reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from trellis.kg.settings import Settings
from trellis.retrieval.errors import AdapterError
from trellis.retrieval.generators.promoted import PromotedModel, promoted_path, read_promoted, write_promoted


def test_a_pointer_round_trips(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert read_promoted(settings) is None
    model = PromotedModel(run="run-1", adapter=tmp_path / "runs" / "run-1" / "adapter", base_model="smollm2")
    path = write_promoted(settings, model)
    assert path == tmp_path / "models" / "promoted.json" == promoted_path(settings)
    assert read_promoted(settings) == model
    write_promoted(settings, model.model_copy(update={"run": "run-2"}))
    promoted = read_promoted(settings)
    assert promoted is not None and promoted.run == "run-2"
    assert [p.name for p in path.parent.iterdir()] == ["promoted.json"]  # no temporary files left


def test_a_corrupt_pointer_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    promoted_path(settings).parent.mkdir(parents=True)
    promoted_path(settings).write_text('{"run": "x"}')
    with pytest.raises(AdapterError, match="promote a run again"):
        read_promoted(settings)
