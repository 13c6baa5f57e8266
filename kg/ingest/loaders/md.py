"""Markdown (``.md``): the prose without its markup; the title from front matter or the first heading.

Not a full CommonMark renderer: it removes what would otherwise show up as noise in chunks and entity names
(heading hashes, emphasis, link targets, fences, list bullets, comments, front matter) and keeps every word.
"""

from __future__ import annotations

import re

from trellis.kg.ingest.loaders.base import Parsed
from trellis.kg.ingest.loaders.encoding import decode_text

__all__ = ["markdown_title", "markdown_to_text", "parse_markdown"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE)
_ATX_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_SETEXT_HEADING = re.compile(r"^(?P<title>[^\n]*\S[^\n]*)\n[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
# A line that starts a block of its own rather than continuing the paragraph above it.
_BLOCK_START = re.compile(r"^[ ]{0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#{1,6}(?:[ \t]|$)|>|```|~~~|\||(?:=+|-+)[ \t]*$)")
_FENCE = re.compile(r"^[ ]{0,3}(?:```|~~~)")
# A line that nothing joins onto: a heading, a setext underline, a fence or a table row.
_BLOCK_END = re.compile(r"^[ ]{0,3}(?:#{1,6}(?:[ \t]|$)|```|~~~|\||(?:=+|-+)[ \t]*$)")

# Applied in order, line-level markup first; each replaces markup by the words it wraps.
_BLOCK_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),  # HTML comments
    (re.compile(r"^[ ]{0,3}(?:```|~~~).*$", re.MULTILINE), ""),  # code fence lines (the code stays)
    (re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE), ""),  # link reference definitions
    (re.compile(r"^[ ]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # thematic breaks
    (re.compile(r"^[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE), ""),  # setext underlines
    (re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE), r"\n\1\n"),  # ATX headings
    (re.compile(r"^[ ]{0,3}(?:>[ \t]?)+", re.MULTILINE), ""),  # block quote markers
    # list markers, task boxes included
    (re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?", re.MULTILINE), r"\1"),
)
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"`+([^`\n]+?)`+"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis with *
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),  # emphasis with _
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
)


def _strip_inline(text: str) -> str:
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return text.strip()


def _join_soft_breaks(text: str) -> str:
    """Join the lines of each paragraph as Markdown renders them; list items, headings, code stay apart."""
    lines: list[str] = []
    in_code = False
    for line in text.split("\n"):
        previous = lines[-1] if lines else ""
        continues = (
            not in_code
            and previous.strip()
            and line.strip()
            and not _BLOCK_START.match(line)
            and not _BLOCK_END.match(previous)
            and not previous.endswith(("  ", "\\"))  # a hard line break
        )
        if _FENCE.match(line):
            in_code = not in_code
        if continues:
            lines[-1] = previous.rstrip() + " " + line.lstrip()
        else:
            lines.append(line)
    return "\n".join(lines)


def markdown_title(text: str) -> str | None:
    """The document's title: ``title:`` in YAML front matter, else the first heading (ATX or setext)."""
    if (front := _FRONT_MATTER.match(text)) and (found := _FRONT_TITLE.search(front.group("body"))):
        return found.group("title").strip("\"'") or None
    body = _FRONT_MATTER.sub("", text, count=1)
    headings = [match for match in (_ATX_HEADING.search(body), _SETEXT_HEADING.search(body)) if match]
    if not headings:
        return None
    first = min(headings, key=lambda match: match.start())
    return _strip_inline(first.group("title")) or None


def markdown_to_text(text: str) -> str:
    """The words of a Markdown document, headings as paragraphs of their own, markup removed."""
    text = text.replace("\r\n", "\n")
    text = _join_soft_breaks(_FRONT_MATTER.sub("", text, count=1))
    for pattern, replacement in (*_BLOCK_RULES, *_INLINE_RULES):
        text = pattern.sub(replacement, text)
    return text


def parse_markdown(data: bytes, source: str) -> Parsed:
    """The text and title of a Markdown file."""
    decoded = decode_text(data, source)
    raw = decoded.text.replace("\r\n", "\n")
    return Parsed(text=markdown_to_text(raw), title=markdown_title(raw), metadata=decoded.metadata)
