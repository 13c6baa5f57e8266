"""Trellis's folders are private whatever the umask, secrets are written 0o600 from their first byte, and an
exclusive lock makes a second holder wait for the first."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from trellis.kg.files import exclusive_lock, private_folder, write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_missing_folder_is_made_private(tmp_path: Path, open_umask: None) -> None:
    (tmp_path / "theirs").mkdir(mode=0o755)
    made = private_folder(tmp_path / "theirs" / "trellis" / "index")
    assert made.is_dir()
    assert _mode(tmp_path / "theirs" / "trellis") == 0o700 and _mode(made) == 0o700
    assert _mode(tmp_path / "theirs") == 0o755, "a folder that was there keeps its mode"


def test_a_secret_is_private_from_its_first_byte(tmp_path: Path, open_umask: None) -> None:
    path = write_private(tmp_path / "api" / "key", "s3cret\n")
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700 and path.read_text() == "s3cret\n"
    with pytest.raises(FileExistsError):
        write_private(path, "another")


def test_a_second_holder_waits_for_the_first(tmp_path: Path) -> None:
    lock = tmp_path / "locks" / "fetch.lock"
    order: list[str] = []
    first_in = threading.Event()

    def second() -> None:
        first_in.wait()
        with exclusive_lock(lock):
            order.append("second")

    waiting = threading.Thread(target=second)
    with exclusive_lock(lock):
        waiting.start()
        first_in.set()
        waiting.join(timeout=0.5)  # it cannot get in while the first holds the lock
        order.append("first")
    waiting.join(timeout=30)
    assert order == ["first", "second"]
