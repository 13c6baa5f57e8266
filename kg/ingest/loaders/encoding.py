"""Bytes to text: refuse binary content, decode UTF-8 (or UTF-16 with its BOM), say where decoding broke.

Trellis does not guess encodings: a file that is not UTF-8 is reported with the offset of the first bad byte,
so the user can re-save it as UTF-8 instead of ingesting mojibake.
"""

from __future__ import annotations

import codecs

from kg.errors import LoaderError

__all__ = ["BINARY_CONTROL_RATIO", "check_not_binary", "decode_text", "describe_utf8_error"]

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


def decode_text(data: bytes, source: str) -> str:
    """Decode ``data`` as UTF-8 (a leading BOM is dropped) or, when it starts with a UTF-16 BOM, as UTF-16."""
    check_not_binary(data, source)
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            reason = f"not valid UTF-16 despite its byte-order mark: {error.reason}"
            raise LoaderError(source, reason) from None
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(data)[skip:], "utf-8")
    except UnicodeDecodeError as error:
        raise LoaderError(source, describe_utf8_error(data, skip + error.start)) from None


def describe_utf8_error(data: bytes, offset: int) -> str:
    """One line naming the bad byte at ``offset``, its line, and the fix."""
    line = data.count(b"\n", 0, offset) + 1
    return (
        f"not valid UTF-8: byte 0x{data[offset]:02X} at byte offset {offset} (line {line}); re-save the file as UTF-8"
    )
