"""Text cleaning shared by every loader: Unicode normalisation, control characters out, whitespace collapsed.

The result keeps paragraphs apart with one blank line (``"\\n\\n"``) and lines within a paragraph with one
newline, so a chunker can still cut at paragraph boundaries; runs of spaces, tabs and other Unicode spaces
become one space.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

__all__ = ["NormalForm", "clean_text", "unwrap_lines"]

NormalForm = Literal["NFC", "NFKC"]

# Line and paragraph breaks in their many spellings, reduced to "\n" or "\n\n" before anything else.
_BREAKS = {
    "\r\n": "\n",
    "\r": "\n",
    "\v": "\n",
    "\x85": "\n",  # NEXT LINE
    "\u2028": "\n",  # LINE SEPARATOR
    "\f": "\n\n",  # form feed: PDF page breaks
    "\u2029": "\n\n",  # PARAGRAPH SEPARATOR
}
_BREAK_PATTERN = re.compile("|".join(re.escape(key) for key in _BREAKS))

# Invisible format characters that split words without meaning anything in running text. ZWJ and ZWNJ stay:
# some scripts (and emoji) need them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u180e"), None)

# Control characters (category Cc) but tab and newline, which carry layout; the other breaks are mapped above.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")  # any whitespace except the newline
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_PARAGRAPH_GAP = re.compile(r"\n{3,}")
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")


def clean_text(text: str, *, form: NormalForm = "NFKC") -> str:
    """Normalise ``text`` for indexing: one Unicode form, no control characters, tidy whitespace.

    ``NFKC`` (the default) also folds compatibility characters (ligatures such as "ﬁ", full-width letters,
    non-breaking spaces) that would otherwise make two spellings of one name; ``NFC`` keeps them.
    Paragraph breaks (blank lines, form feeds, U+2029) survive as ``"\\n\\n"``; line breaks as ``"\\n"``.
    """
    text = _BREAK_PATTERN.sub(lambda match: _BREAKS[match.group()], text)
    text = unicodedata.normalize(form, text)
    text = text.translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _PARAGRAPH_GAP.sub("\n\n", text)
    return text.strip()


def unwrap_lines(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph into one line, mending words hyphenated across a break.

    Meant for cleaned text from sources that wrap visually (PDF pages); paragraphs stay apart.
    """
    text = _HYPHEN_BREAK.sub("", text)
    return _SINGLE_NEWLINE.sub(" ", text)
