"""Plain text (``.txt``): the decoded file as it is; its title is the file stem."""

from __future__ import annotations

from kg.ingest.loaders.base import Parsed
from kg.ingest.loaders.encoding import decode_text

__all__ = ["parse_txt"]


def parse_txt(data: bytes, source: str) -> Parsed:
    """The text of a plain-text file; :class:`~kg.errors.LoaderError` for binary or non-UTF-8 content."""
    return Parsed(text=decode_text(data, source))
