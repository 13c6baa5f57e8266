"""What every loader shares: a file's parsed form, the failure report, a document's id and hash.

A file's id does not depend on where the corpus lies on disk: it hashes the file's *key*, the name of the folder
given plus the file's path inside it (``sample/extra/foo.md``), or for a file given on its own its folder's name and
its file name (``extra/foo.md``), so the same corpus checked out elsewhere keeps its ids. Graphs built by earlier
versions hold ids hashed from absolute paths; :func:`legacy_document_id` names such an id so that ingest can replace
it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from trellis.kg.errors import LoaderError
from trellis.kg.ingest.loaders.cleaning import clean_text
from trellis.kg.types import Document

__all__ = ["LoadFailure", "Parsed", "document_id", "file_key", "legacy_document_id", "make_document", "sha256_text"]


@dataclass(frozen=True)
class Parsed:
    """What a format parser found in a file, before cleaning: its text and title (``None``: the file stem)."""

    text: str
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class LoadFailure(BaseModel):
    """A file, or one line of a JSONL file, that could not become a document; the others load regardless."""

    model_config = ConfigDict(frozen=True)

    source: str
    reason: str
    line: int | None = None

    @property
    def location(self) -> str:
        """The file, with ``:line`` for a JSONL line."""
        return self.source if self.line is None else f"{self.source}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"

    @classmethod
    def from_error(cls, error: LoaderError, *, line: int | None = None) -> LoadFailure:
        """The failure a :class:`LoaderError` reports."""
        return cls(source=error.source, reason=error.reason, line=line)


def sha256_text(text: str) -> str:
    """The hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(key: str) -> str:
    """The stable id of a file's document: ``doc-`` and 16 hex digits of the SHA-256 of its :func:`file_key`."""
    return "doc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def file_key(path: Path, *, root: Path | None = None) -> str:
    """What a file's id is derived from, the same wherever the corpus lies: POSIX separators, no absolute part.

    Found below the folder ``root``: the folder's name and the path inside it (``sample/extra/foo.md``). Given on its
    own (``root`` is ``None``): its folder's name and its file name (``extra/foo.md``). ``root`` is resolved, so
    ``.`` is named by the working directory's name.
    """
    if root is None:
        resolved = path.resolve()
        folder, relative = resolved.parent.name, resolved.name
    else:
        folder, relative = root.resolve().name, path.relative_to(root).as_posix()
    return f"{folder}/{relative}" if folder else relative


def legacy_document_id(document: Document) -> str | None:
    """The id an older Trellis gave this file's document (a hash of its absolute path), where that differs.

    ``None`` for a JSONL document (it names its own id, then as now) and where the two ids agree.
    """
    if document.metadata.get("format") == "jsonl":
        return None
    legacy = document_id(document.source)
    return legacy if legacy != document.id else None


def make_document(
    *,
    source: str,
    parsed: Parsed,
    fallback_title: str,
    metadata: dict[str, Any],
    doc_id: str | None = None,
) -> Document:
    """Clean the parsed text and build the :class:`Document`; :class:`LoaderError` when no text is left.

    ``doc_id`` defaults to :func:`document_id` of ``source`` (callers loading files pass the id of the file's key);
    ``metadata`` (format, byte size) wins over the parser's own keys.
    """
    text = clean_text(parsed.text)
    if not text:
        raise LoaderError(source, "no text: the file is empty or holds only whitespace and markup")
    title = clean_text(parsed.title or "").replace("\n", " ") or fallback_title
    return Document(
        id=doc_id or document_id(source),
        source=source,
        title=title,
        text=text,
        sha256=sha256_text(text),
        metadata={**parsed.metadata, **metadata},
    )
