"""An index folder on disk, written so that a crash never leaves the FAISS file and its id sidecar at odds.

Layout of a folder::

    CURRENT                 the name of the live version, e.g. ``v000007``
    v000007/index.faiss     the FAISS index (faiss.write_index)
    v000007/ids.json        {"format", "kind", "dimensions", "ids", "state", "saved_at"}

A save writes both files into a fresh temporary folder, flushes them to disk, renames the folder to the next
version, and only then replaces ``CURRENT`` (``os.replace``, atomic). A reader follows ``CURRENT`` and so
always sees a complete version. The previous version is kept, for a reader that followed ``CURRENT`` just
before it moved; older ones and leftovers of interrupted saves are removed. One writer at a time: saving from
two processes at once is not supported.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss

from trellis.kg.errors import VectorIndexError
from trellis.kg.files import private_folder

__all__ = ["FORMAT", "Snapshot", "corrupt_error", "read_snapshot", "snapshot_exists", "write_snapshot"]

logger = logging.getLogger(__name__)

FORMAT = 1
POINTER = "CURRENT"
INDEX_FILE = "index.faiss"
SIDECAR_FILE = "ids.json"
_VERSION = re.compile(r"v(\d{6,})")
_TMP_PREFIX = ".tmp-"
_STALE_TMP_S = 3600.0  # a temporary folder this old belongs to no save still running


@dataclass(frozen=True)
class Snapshot:
    """One saved version of an index: the FAISS index, and what the sidecar says about it."""

    index: faiss.Index
    kind: str
    dimensions: int
    ids: list[str]
    state: dict[str, Any]
    path: Path


def snapshot_exists(folder: Path) -> bool:
    """True when ``folder`` holds a saved index (it may still be corrupt)."""
    return (folder / POINTER).is_file()


def write_snapshot(folder: Path, *, index: faiss.Index, kind: str, ids: list[str], state: dict[str, Any]) -> Path:
    """Save a new version of the index in ``folder``, make it the live one, and return its folder."""
    private_folder(folder)
    previous = _current_name(folder)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=folder))
    try:
        faiss.write_index(index, str(tmp / INDEX_FILE))
        sidecar = {
            "format": FORMAT,
            "kind": kind,
            "dimensions": int(index.d),
            "count": len(ids),
            "saved_at": datetime.now(UTC).isoformat(),
            "ids": ids,
            "state": state,
        }
        (tmp / SIDECAR_FILE).write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
        for name in (INDEX_FILE, SIDECAR_FILE):
            _fsync(tmp / name)
        _fsync(tmp)
        version = folder / f"v{_next_version(folder):06d}"
        os.replace(tmp, version)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync(folder)
    pointer_tmp = folder / f"{_TMP_PREFIX}{POINTER}-{os.getpid()}"
    pointer_tmp.write_text(version.name + "\n", encoding="utf-8")
    _fsync(pointer_tmp)
    os.replace(pointer_tmp, folder / POINTER)
    _fsync(folder)
    _remove_old(folder, keep={version.name, previous})
    logger.info("saved the vector index (%s, %d vectors) to %s", kind, len(ids), version)
    return version


def read_snapshot(folder: Path) -> Snapshot:
    """Read the live version of the index in ``folder``; VectorIndexError when it is missing or corrupt."""
    name = _current_name(folder)
    if name is None:
        raise VectorIndexError(
            f"no vector index in {folder}: ingest documents to build one, or rebuild it from the embeddings in Neo4j"
        )
    version = folder / name
    if not _VERSION.fullmatch(name) or not version.is_dir():
        raise corrupt_error(folder, f"{POINTER} names {name!r}, which is not a saved version")
    try:
        sidecar = json.loads((version / SIDECAR_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise corrupt_error(version, f"cannot read {SIDECAR_FILE}: {exc}") from exc
    if not isinstance(sidecar, dict) or sidecar.get("format") != FORMAT:
        raise corrupt_error(version, f"{SIDECAR_FILE} is not a format-{FORMAT} sidecar")
    ids, state, kind, dimensions = (sidecar.get(key) for key in ("ids", "state", "kind", "dimensions"))
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or sidecar.get("count") != len(ids):
        raise corrupt_error(version, f"{SIDECAR_FILE} holds no valid list of ids")
    if not isinstance(state, dict) or not isinstance(kind, str) or not isinstance(dimensions, int):
        raise corrupt_error(version, f"{SIDECAR_FILE} lacks the index kind, dimensions or state")
    try:
        index = faiss.read_index(str(version / INDEX_FILE))
    except RuntimeError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise corrupt_error(version, f"FAISS cannot read {INDEX_FILE}: {reason}") from exc
    if index.d != dimensions:
        raise corrupt_error(version, f"the index has {index.d} dimensions and its sidecar says {dimensions}")
    return Snapshot(index=index, kind=kind, dimensions=dimensions, ids=ids, state=state, path=version)


def corrupt_error(path: Path, reason: str) -> VectorIndexError:
    """The error for a saved index that cannot be used, naming the way out."""
    return VectorIndexError(
        f"the vector index in {path} is corrupt or incomplete ({reason}); rebuild it from the embeddings in Neo4j"
    )


def _current_name(folder: Path) -> str | None:
    try:
        return (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise corrupt_error(folder, f"cannot read {POINTER}: {exc}") from exc


def _next_version(folder: Path) -> int:
    numbers = [int(m.group(1)) for p in folder.iterdir() if (m := _VERSION.fullmatch(p.name))]
    return max(numbers, default=0) + 1


def _remove_old(folder: Path, keep: set[str | None]) -> None:
    now = time.time()
    for path in folder.iterdir():
        if _VERSION.fullmatch(path.name) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(_TMP_PREFIX) and now - path.stat().st_mtime > _STALE_TMP_S:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (folders only where the platform allows it)."""
    if path.is_dir() and os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
