"""What every loader shares: a file's parsed form, the failure report, a document's id and hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from kg.errors import LoaderError
from kg.ingest.loaders.cleaning import clean_text
from kg.types import Document

__all__ = ["LoadFailure", "Parsed", "document_id", "make_document", "sha256_text"]


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

    def to_error(self) -> LoaderError:
        """The same failure as an exception, for callers that stop at the first one."""
        return LoaderError(self.location, self.reason)


def sha256_text(text: str) -> str:
    """The hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(source: str) -> str:
    """The stable id of a file's document: ``doc-`` and 16 hex digits of the SHA-256 of its source."""
    return "doc-" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def make_document(
    *,
    source: str,
    parsed: Parsed,
    fallback_title: str,
    metadata: dict[str, Any],
    doc_id: str | None = None,
) -> Document:
    """Clean the parsed text and build the :class:`Document`; :class:`LoaderError` when no text is left.

    ``doc_id`` defaults to :func:`document_id` of ``source``; ``metadata`` (format, byte size) wins over the
    parser's own keys.
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
