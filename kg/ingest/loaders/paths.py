"""The entry points: files, folders and uploaded bytes to documents, with a failure report for each bad input.

Nothing here stops at a bad file: every file (and every JSONL line) yields either a :class:`Document` or a
:class:`LoadFailure` naming it and the reason, so one corrupt PDF never costs the rest of a batch.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from trellis.kg.errors import LoaderError
from trellis.kg.ingest.loaders.base import LoadFailure, Parsed, document_id, file_key, make_document
from trellis.kg.ingest.loaders.folders import iter_folder
from trellis.kg.ingest.loaders.html import parse_html
from trellis.kg.ingest.loaders.jsonl import iter_jsonl
from trellis.kg.ingest.loaders.md import parse_markdown
from trellis.kg.ingest.loaders.pdf import parse_pdf
from trellis.kg.ingest.loaders.txt import parse_txt
from trellis.kg.settings import get_settings
from trellis.kg.types import Document

__all__ = ["SUPPORTED_EXTENSIONS", "LoadResult", "find_files", "load_bytes", "load_file", "load_paths", "unique_ids"]

logger = logging.getLogger(__name__)

LoadResult = Document | LoadFailure
"""What loading yields for each document found, or each file or JSONL line that is not one."""

Parser = Callable[[bytes, str], Parsed]

# Extension -> (format name recorded in metadata, parser). JSONL is streamed, so it has no parser here.
_PARSERS: dict[str, tuple[str, Parser]] = {
    ".txt": ("txt", parse_txt),
    ".text": ("txt", parse_txt),
    ".md": ("md", parse_markdown),
    ".markdown": ("md", parse_markdown),
    ".html": ("html", parse_html),
    ".htm": ("html", parse_html),
    ".pdf": ("pdf", parse_pdf),
}
_JSONL = frozenset({".jsonl", ".ndjson"})
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_PARSERS) | _JSONL
"""File extensions Trellis loads (lower case, with the dot)."""


def _unsupported(suffix: str) -> str:
    kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    return f"unsupported file type {suffix or '(no extension)'!r}; Trellis loads {kinds}"


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes (raise TRELLIS_MAX_DOCUMENT_BYTES to load it)"
    )


def _document(data: bytes, *, suffix: str, source: str, name: str, key: str) -> Iterator[LoadResult]:
    if not data:
        raise LoaderError(source, "empty file")
    kind, parser = _PARSERS[suffix]
    yield make_document(
        source=source,
        parsed=parser(data, source),
        fallback_title=Path(name).stem or name,
        metadata={"format": kind, "byte_size": len(data)},
        doc_id=document_id(key),
    )


def _guarded(source: str, results: Iterator[LoadResult]) -> Iterator[LoadResult]:
    """Turn a :class:`LoaderError`, or an unexpected error of a parser, into this file's failure."""
    try:
        yield from results
    except LoaderError as error:
        yield LoadFailure.from_error(error)
    except Exception as error:  # a parser's bug must not cost the rest of the batch; the log keeps the trace
        logger.exception("unexpected error loading %s", source)
        yield LoadFailure(source=source, reason=f"could not be loaded ({type(error).__name__}: {error})")


def load_bytes(
    data: bytes, *, name: str, source: str | None = None, max_bytes: int | None = None
) -> Iterator[LoadResult]:
    """The documents in ``data``, read as a file called ``name`` (its extension picks the format).

    For uploads: ``source`` (default ``name``) becomes the documents' source and, except for JSONL, their id.
    """
    source = source or name
    limit = max_bytes or get_settings().max_document_bytes
    suffix = Path(name).suffix.lower()
    if suffix in _JSONL:
        return _guarded(source, iter_jsonl(io.BytesIO(data), source=source, max_bytes=limit))
    if suffix not in _PARSERS:
        return iter([LoadFailure(source=source, reason=_unsupported(suffix))])
    if len(data) > limit:
        return iter([LoadFailure(source=source, reason=_too_large(len(data), limit))])
    return _guarded(source, _document(data, suffix=suffix, source=source, name=name, key=source))


def _iter_file(path: Path, *, source: str, key: str, max_bytes: int) -> Iterator[LoadResult]:
    if not path.exists():
        raise LoaderError(source, "no such file or folder")
    if path.is_dir():
        raise LoaderError(source, "is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise LoaderError(source, _unsupported(suffix))
    try:
        if suffix in _JSONL:
            with path.open("rb") as stream:
                yield from iter_jsonl(stream, source=source, max_bytes=max_bytes)
            return
        size = path.stat().st_size
        if size > max_bytes:  # decided from the size on disk, without reading the file
            raise LoaderError(source, _too_large(size, max_bytes))
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise LoaderError(source, f"cannot read the file: {error.strerror or error}") from None
    if len(data) > max_bytes:  # it grew, or is a device or pipe that reports no size
        raise LoaderError(source, _too_large(len(data), max_bytes))
    yield from _document(data, suffix=suffix, source=source, name=path.name, key=key)


def load_file(path: Path | str, *, root: Path | None = None, max_bytes: int | None = None) -> Iterator[LoadResult]:
    """The document in a file (or the documents of a JSONL file), or the failures that explain why not.

    A file's source is its resolved absolute path (for display and failures). Its id is ``doc-`` + 16 hex digits
    of the SHA-256 of its key, which holds no absolute part (see :func:`~kg.ingest.loaders.base.file_key`): the
    name of ``root``, the folder it was found in, and its path below it; without ``root``, the name of its own
    folder and its file name. So the same corpus loaded from another checkout, or another working directory,
    gives the same ids. A JSONL document keeps the id its line names.
    """
    path = Path(path).expanduser()
    source = str(path.resolve())
    key = file_key(path, root=None if root is None else Path(root).expanduser())
    limit = max_bytes or get_settings().max_document_bytes
    return _guarded(source, _iter_file(path, source=source, key=key, max_bytes=limit))


def find_files(
    paths: Sequence[Path | str], include: Sequence[str] | None, exclude: Sequence[str] | None
) -> Iterator[tuple[Path, Path | None] | LoadFailure]:
    """Each file named, or found in a folder named (with that folder, the ``root`` of :func:`load_file`), once; a
    failure per unreadable folder."""
    seen: set[Path] = set()
    for given in [paths] if isinstance(paths, str | Path) else paths:
        path = Path(given).expanduser()
        root = path if path.is_dir() else None
        found = (
            iter([path])
            if root is None
            else iter_folder(root, extensions=SUPPORTED_EXTENSIONS, include=include, exclude=exclude)
        )
        for item in found:
            if isinstance(item, LoadFailure):
                yield item
                continue
            if item.resolve() in seen:
                continue
            seen.add(item.resolve())
            yield item, root


def load_paths(
    paths: Sequence[Path | str],
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    max_bytes: int | None = None,
) -> Iterator[LoadResult]:
    """Every document in ``paths`` (files, and folders searched recursively), and a failure per bad input.

    ``include`` and ``exclude`` are globs filtering the files found in folders (see :mod:`.folders`); a file
    named explicitly is always loaded, and one of an unsupported type is a failure rather than skipped.
    ``max_bytes`` (default: ``settings.max_document_bytes``) limits each file, and each line of a JSONL file.
    A file found in a folder takes its id from the folder's name and its path below it, a file named on its own
    from its folder's name and its file name (see :func:`load_file`). A file reached twice loads once, with the id
    of the first way it was reached; a document id already loaded from another source is a failure.
    """
    limit = max_bytes or get_settings().max_document_bytes
    loaded: dict[str, str] = {}  # document id -> source
    for item in find_files(paths, include, exclude):
        if isinstance(item, LoadFailure):
            yield item
        else:
            yield from unique_ids(load_file(item[0], root=item[1], max_bytes=limit), loaded)


def unique_ids(results: Iterable[LoadResult], loaded: dict[str, str] | None = None) -> Iterator[LoadResult]:
    """``results`` in order, a document whose id was loaded before (``loaded``: id -> source, updated as it goes)
    turned into a failure that names the first source."""
    loaded = {} if loaded is None else loaded
    for result in results:
        if isinstance(result, Document):
            if result.id in loaded:
                reason = f"duplicate document id {result.id!r}, already loaded from {loaded[result.id]}"
                result = LoadFailure(source=result.source, reason=reason, line=result.metadata.get("line"))
            else:
                loaded[result.id] = result.source
        yield result
