"""Plain text (``.txt``): the decoded file as it is, or its prose when it carries MediaWiki markup (a Wikipedia
dump's text, :mod:`kg.ingest.loaders.wikitext`); its title is the file stem."""

from __future__ import annotations

from trellis.kg.ingest.loaders.base import Parsed
from trellis.kg.ingest.loaders.encoding import decode_text
from trellis.kg.ingest.loaders.wikitext import prose

__all__ = ["parse_txt"]


def parse_txt(data: bytes, source: str) -> Parsed:
    """The text of a plain-text file; :class:`~kg.errors.LoaderError` for binary content or bytes that read as no
    encoding's text."""
    decoded = decode_text(data, source)
    text, markup = prose(decoded.text)
    return Parsed(text=text, metadata={**decoded.metadata, **({"markup": markup} if markup else {})})
