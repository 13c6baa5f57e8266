"""The writers' lock stamps a new generation on every exit, even a failed write's, for readers in any process; the
index folder it makes is private."""

from __future__ import annotations

from pathlib import Path

import pytest

from trellis.kg.lock import index_generation, index_lock
from trellis.kg.settings import Settings


def test_every_write_moves_the_generation(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert index_generation(settings) is None, "no write yet"
    seen = []
    for _ in range(3):
        with index_lock(settings):
            pass
        seen.append(index_generation(settings))
    assert None not in seen and len(set(seen)) == 3, "back-to-back writes get distinct stamps"
    with pytest.raises(RuntimeError), index_lock(settings):
        raise RuntimeError("the write failed half-way")
    assert index_generation(settings) not in seen, "a failed write may have changed the graph: readers look again"
    assert [p.name for p in settings.index_dir.iterdir() if p.name.startswith(".generation.")] == []


def test_the_index_folder_is_private(tmp_path: Path, open_umask: None) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with index_lock(settings):
        pass
    assert all(folder.stat().st_mode & 0o777 == 0o700 for folder in (settings.index_dir, settings.data_dir))
