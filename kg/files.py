"""Folders and files Trellis keeps: private to their owner, and locks that one process at a time takes.

Trellis's state (the Neo4j home with its data and password, the vector indexes, the API's key and logs) is readable
by whoever can list its folders, so they are made ``0o700`` and a file holding a secret ``0o600`` whatever the umask.
A folder that already exists keeps its mode: it may be the user's own (``chmod -R go-rwx`` tightens an old one).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "PRIVATE_FILE",
    "PRIVATE_FOLDER",
    "exclusive_lock",
    "is_uri",
    "local_path",
    "private_folder",
    "write_private",
]

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: Path) -> Path:
    """``path`` as a folder; it and every missing parent are created readable by their owner only."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:  # another process made it meanwhile
            continue
        os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode passes through the umask
    return path


def write_private(path: Path, text: str) -> Path:
    """Create ``path`` (it must not exist) holding ``text``, readable by its owner only from its first byte."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing): a second process, or a second opening in
    this one, waits here until the first leaves. The lock goes with the process if it dies."""
    private_folder(path.parent)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_uri(path: str | Path) -> bool:
    """A location on a pyarrow filesystem (``s3://...``), not a local path (``file://`` names a local one)."""
    return "://" in str(path) and not str(path).startswith("file://")


def local_path(path: str | Path) -> Path:
    """The local path a path or a ``file://`` URI names."""
    return Path(str(path).removeprefix("file://")).expanduser()
