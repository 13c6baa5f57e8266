"""Bytes to text: refuse binary content, decode UTF-8 (or UTF-16 with its BOM), else detect a legacy encoding.

Text that is not UTF-8 is common (Latin-1 and cp1252 exports, cp1251, Shift JIS): its encoding is detected
(charset-normalizer; among equally plausible single-byte encodings cp1252, the Western default browsers use, wins)
and reported with the text. Only bytes that no encoding turns into readable text are refused, with the offset of
the first byte that is not UTF-8, so the user can re-save the file.
"""

from __future__ import annotations

import codecs
import unicodedata
from typing import NamedTuple

import charset_normalizer

from trellis.kg.errors import LoaderError

__all__ = ["BINARY_CONTROL_RATIO", "Decoded", "check_not_binary", "decode_text", "describe_utf8_error", "detect_legacy"]

# Bytes that plain text does not contain: C0 controls except tab, newline, vertical tab, form feed, carriage
# return and escape, plus DEL.
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B} | {0x7F}
_SAMPLE_BYTES = 8192
BINARY_CONTROL_RATIO = 0.05
"""Above this share of control bytes in the first 8 KiB, a file is taken for binary."""

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def check_not_binary(data: bytes, source: str) -> None:
    """Raise :class:`LoaderError` when ``data`` looks like a binary file: NUL bytes, or many control bytes."""
    if data.startswith(_UTF16_BOMS):
        return
    if (nul := data.find(b"\x00")) >= 0:
        raise LoaderError(source, f"contains NUL bytes (first at byte offset {nul}): a binary file, not text")
    sample = data[:_SAMPLE_BYTES]
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if sample and controls / len(sample) > BINARY_CONTROL_RATIO:
        share = 100 * controls / len(sample)
        reason = f"{share:.0f}% of its first bytes are control characters: a binary file, not text"
        raise LoaderError(source, reason)


class Decoded(NamedTuple):
    """Text and the encoding it was decoded from (``utf-8``, ``utf-16``, or a detected one such as ``cp1252``)."""

    text: str
    encoding: str

    @property
    def metadata(self) -> dict[str, str]:
        """What a document records about its encoding: nothing for UTF-8, else ``{"encoding": ...}``."""
        return {} if self.encoding == "utf-8" else {"encoding": self.encoding}


def decode_text(data: bytes, source: str) -> Decoded:
    """Decode ``data`` as UTF-8 (a leading BOM is dropped), as UTF-16 when it starts with a UTF-16 BOM, or else in
    the legacy encoding detected for it; :class:`LoaderError` when none gives readable text."""
    check_not_binary(data, source)
    if data.startswith(_UTF16_BOMS):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as error:
            reason = f"not valid UTF-16 despite its byte-order mark: {error.reason}"
            raise LoaderError(source, reason) from None
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return Decoded(str(memoryview(data)[skip:], "utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        detected = detect_legacy(data)
        if detected is None:
            reason = describe_utf8_error(data, skip + error.start, other_encodings=True)
            raise LoaderError(source, reason) from None
        return detected


def detect_legacy(data: bytes) -> Decoded | None:
    """``data`` decoded in the most plausible legacy encoding, or None when none reads as text."""
    matches = [m for m in charset_normalizer.from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    least = min(match.chaos for match in matches)
    plausible = [match for match in matches if match.chaos == least]
    chosen = next((m for m in plausible if m.encoding == "cp1252"), plausible[0])
    text, encoding = str(chosen), chosen.encoding
    if _readable_share(text) < _READABLE:
        return None
    if encoding != "cp1252" and text == data.decode("cp1252", errors="replace"):
        encoding = "cp1252"  # the same text: name the common encoding (Latin-1 files read the same in cp1252)
    return Decoded(text, encoding)


_READABLE = 0.85
"""Share of letters, digits, spaces and common punctuation below which a decoding is taken for mojibake."""


def _readable_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 1.0
    readable = sum(1 for char in sample if char.isalnum() or char.isspace() or unicodedata.category(char)[0] == "P")
    return readable / len(sample)


def describe_utf8_error(data: bytes, offset: int, *, other_encodings: bool = False) -> str:
    """One line naming the bad byte at ``offset``, its line, and the fix (``other_encodings``: no legacy encoding
    reads the bytes as text either)."""
    line = data.count(b"\n", 0, offset) + 1
    where = f"byte 0x{data[offset]:02X} at byte offset {offset} (line {line})"
    neither = ", nor text in any other encoding" if other_encodings else ""
    return f"not valid UTF-8: {where}{neither}; re-save the file as UTF-8"
