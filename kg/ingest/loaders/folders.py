"""Folders: every supported file below a folder, in a stable order, filtered by include and exclude globs.

A pattern without ``/`` matches a file or folder name anywhere (``*.md``, ``drafts``); a pattern with
``/`` matches the path relative to the folder given (``notes/*.txt``, ``**/archive/**``), where ``*`` stays
within one folder and ``**`` spans any number. ``include`` keeps only the files it matches; ``exclude`` drops
files and prunes whole folders. Hidden files and folders (a leading dot) are skipped, and so are files of a
format Trellis does not load.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import partial
from pathlib import Path

from trellis.kg.ingest.loaders.base import LoadFailure

__all__ = ["compile_globs", "iter_folder"]

logger = logging.getLogger(__name__)

_GLOB_TOKENS = re.compile(r"\*\*/|\*\*|\*|\?|\[[^\]]*\]|[^*?\[]+|\[")


def _glob_to_regex(pattern: str) -> str:
    parts: list[str] = []
    for token in _GLOB_TOKENS.findall(pattern):
        if token == "**/":
            parts.append("(?:.*/)?")
        elif token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]*")
        elif token == "?":
            parts.append("[^/]")
        elif token.startswith("[") and len(token) > 2:
            body = token[1:-1]
            parts.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _union(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{_glob_to_regex(p)})" for p in patterns)) if patterns else None


def compile_globs(patterns: Sequence[str]) -> Callable[[str], bool]:
    """A test of a relative POSIX path against ``patterns`` (see the module docstring for their meaning)."""
    stripped = [pattern.strip("/") for pattern in patterns]
    name_regex = _union([pattern for pattern in stripped if "/" not in pattern])
    path_regex = _union([pattern for pattern in stripped if "/" in pattern])

    def matches(relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        return bool((name_regex and name_regex.fullmatch(name)) or (path_regex and path_regex.fullmatch(relative)))

    return matches


def _unreadable(root: Path, failures: list[LoadFailure], error: OSError) -> None:
    reason = f"cannot read folder: {error.strerror or error}"
    failures.append(LoadFailure(source=str(error.filename or root), reason=reason))


def iter_folder(
    root: Path,
    *,
    extensions: Collection[str],
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> Iterator[Path | LoadFailure]:
    """The files below ``root`` with one of ``extensions`` (lower case, with the dot), filtered and sorted.

    A folder that cannot be listed yields a :class:`LoadFailure` and the walk goes on.
    """
    included = compile_globs(include) if include else None
    excluded = compile_globs(exclude) if exclude else None
    failures: list[LoadFailure] = []
    for folder, dirs, files in os.walk(root, onerror=partial(_unreadable, root, failures)):
        yield from failures
        failures.clear()
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (excluded and excluded(prefix + d)))
        for name in sorted(files):
            relative = prefix + name
            if name.startswith(".") or (excluded and excluded(relative)):
                continue
            if Path(name).suffix.lower() not in extensions:
                logger.debug("skipping %s: not a format Trellis loads", Path(folder) / name)
                continue
            if included and not included(relative):
                continue
            yield Path(folder) / name
    yield from failures
