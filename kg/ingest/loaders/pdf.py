"""PDF (``.pdf``): the text layer of every page, read with pypdf; the title from the document information.

Pages are joined with paragraph breaks and the visual line wrapping inside paragraphs is undone. A PDF whose
pages hold no text layer (a scan) is refused with a hint to run OCR first; Trellis does not do OCR.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader

from trellis.kg.errors import LoaderError
from trellis.kg.ingest.loaders.base import Parsed
from trellis.kg.ingest.loaders.cleaning import clean_text, unwrap_lines

__all__ = ["parse_pdf"]

logger = logging.getLogger(__name__)

_HEADER_WINDOW = 1024  # the PDF header may follow a little junk


def _open(data: bytes, source: str) -> PdfReader:
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise LoaderError(source, "not a PDF: no %PDF- header in its first bytes")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoaderError(source, "the PDF is encrypted and needs a password; save a decrypted copy")
        pages = len(reader.pages)
    except LoaderError:
        raise
    except Exception as error:  # pypdf raises many kinds for damaged files
        raise LoaderError(source, f"corrupt or unreadable PDF ({type(error).__name__}: {error})") from None
    if pages == 0:
        raise LoaderError(source, "corrupt or unreadable PDF: it has no pages")
    return reader


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def _title(reader: PdfReader) -> str | None:
    try:
        info = reader.metadata
        title = str(info.title).strip() if info and info.title else ""
    except Exception:  # a damaged information dictionary only costs the title
        return None
    return title or None


def parse_pdf(data: bytes, source: str) -> Parsed:
    """The text of every page and the title; raises :class:`LoaderError` for a corrupt or text-less PDF."""
    reader = _open(data, source)
    pages: list[str] = []
    unreadable = 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception as error:  # one damaged page should not cost the others
            unreadable += 1
            logger.warning("%s: page %d could not be read: %s", source, number, error)
            continue
        pages.append(unwrap_lines(clean_text(page_text)))
    if unreadable == len(reader.pages):
        raise LoaderError(source, f"corrupt or unreadable PDF: none of its {_pages(unreadable)} could be read")
    if not any(pages):
        raise LoaderError(
            source,
            f"the PDF has no extractable text ({_pages(len(reader.pages))}, no text layer); "
            "run OCR on it first (for example ocrmypdf)",
        )
    metadata = {"pages": len(reader.pages), "unreadable_pages": unreadable}
    return Parsed(text="\n\n".join(page for page in pages if page), title=_title(reader), metadata=metadata)
