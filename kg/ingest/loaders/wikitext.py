"""MediaWiki markup in plain text (a ``.txt`` file or a JSONL record holding a Wikipedia dump's text): detected and
turned into prose, with ``mwparserfromhell`` (the parser Wikipedia's own tools use).

Templates (infoboxes, citations), references, tables, comments, files and categories go; links keep the text
they show; bold and italics lose their quotes; a heading (``==History==``) becomes a paragraph of its own, which
the chunker reads as the section title of what follows. Text that does not look like wikitext is left alone, so
prose that happens to hold two apostrophes is not touched.
"""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Heading, Tag, Template, Text, Wikilink

__all__ = ["looks_like_wikitext", "prose", "wikitext_to_text"]

_SIGNS = (
    re.compile(r"^={2,6}[^=\n]+={2,6}[ \t]*$", re.MULTILINE),  # ==Heading==
    re.compile(r"\[\[[^\]\n]+\]\]"),  # [[link]]
    re.compile(r"\{\{[^}\n]*"),  # {{template
    re.compile(r"'''[^'\n]+'''"),  # '''bold'''
    re.compile(r"^\{\|", re.MULTILINE),  # {| table
    re.compile(r"<ref[ >]"),  # <ref>
)
_DROPPED_LINKS = ("file:", "image:", "category:", "media:")
_DROPPED_TAGS = frozenset({"ref", "table", "gallery", "math", "timeline", "references", "imagemap"})
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def looks_like_wikitext(text: str) -> bool:
    """Whether ``text`` carries MediaWiki markup: at least two different signs of it (headings, links, templates,
    bold quotes, tables, references)."""
    return sum(1 for sign in _SIGNS if sign.search(text)) >= 2


def wikitext_to_text(text: str) -> str:
    """The prose of a wikitext, headings as paragraphs of their own (see the module's docstring)."""
    code = mwparserfromhell.parse(text)
    for node in list(code.nodes):
        _drop_or_keep(code, node)
    for heading in code.filter_headings():
        title = heading.title.strip_code().strip()
        code.replace(heading, Text(f"\n\n{title}\n\n"))
    prose = code.strip_code(normalize=True, collapse=True)
    prose = "\n".join(line.strip() for line in prose.split("\n"))
    return _BLANKS.sub("\n\n", prose).strip()


def _drop_or_keep(code: mwparserfromhell.wikicode.Wikicode, node: object) -> None:
    """Remove what is no prose from ``code``, looking inside the nodes that stay (a link's text, a heading)."""
    if (
        isinstance(node, Template | Comment)
        or (isinstance(node, Tag) and str(node.tag).lower() in _DROPPED_TAGS)
        or (isinstance(node, Wikilink) and str(node.title).strip().lower().startswith(_DROPPED_LINKS))
    ):
        code.remove(node)
    elif isinstance(node, Heading):
        for inner in list(node.title.nodes):
            _drop_or_keep(node.title, inner)
    elif isinstance(node, Tag) and node.contents is not None:
        for inner in list(node.contents.nodes):
            _drop_or_keep(node.contents, inner)


def prose(text: str) -> tuple[str, str | None]:
    """``text`` as prose, and the markup it was written in ("mediawiki"), or ``text`` itself and None."""
    if looks_like_wikitext(text):
        return wikitext_to_text(text), "mediawiki"
    return text, None
