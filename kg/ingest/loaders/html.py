"""HTML (``.html``, ``.htm``): the page's readable text without boilerplate; the title from ``<title>``.

Scripts, styles, navigation, headers, footers, asides, forms and hidden elements go. Block elements become
paragraphs and ``<br>`` a line break, while inline elements (``<b>``, ``<a>``) stay inside their sentence.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from trellis.kg.errors import LoaderError
from trellis.kg.ingest.loaders.base import Parsed
from trellis.kg.ingest.loaders.encoding import check_not_binary, decode_text

__all__ = ["html_to_parsed", "parse_html"]

_BOILERPLATE = (
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "canvas", "button", "select", "object", "embed",
)  # fmt: skip
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
_BLOCKS = (
    "address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul",
)  # fmt: skip
# Layout markers that survive whitespace collapsing; clean_text turns them into "\n\n" and "\n".
_PARAGRAPH, _LINE = "\u2029", "\u2028"
_SOURCE_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _decode(data: bytes, source: str) -> str:
    """UTF-8 as for every text file, unless the page declares another charset in a ``<meta>`` tag."""
    declared = _DECLARED_CHARSET.search(data[:4096])
    charset = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if charset.replace("-", "").replace("_", "") in {"utf8", "utf16"}:
        return decode_text(data, source).text
    check_not_binary(data, source)
    try:
        return data.decode(charset)
    except LookupError:
        raise LoaderError(source, f"declares an unknown charset {charset!r} in its <meta> tag") from None
    except UnicodeDecodeError as error:
        raise LoaderError(source, f"not valid {charset} (its declared charset) at byte offset {error.start}") from None


def _is_hidden(tag: Tag) -> bool:
    role = str(tag.get("role") or "").lower()
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return (
        tag.has_attr("hidden")
        or str(tag.get("aria-hidden") or "").lower() == "true"
        or role in _BOILERPLATE_ROLES
        or "display:none" in style
    )


def _title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.title, soup.find("h1")):
        if isinstance(tag, Tag) and (text := " ".join(tag.get_text(" ").split())):
            return text
    return None


def html_to_parsed(markup: str) -> Parsed:
    """The title and readable text of an HTML document given as a string."""
    soup = BeautifulSoup(markup, "html.parser")
    title = _title(soup)
    lang = soup.html.get("lang") if isinstance(soup.html, Tag) else None
    for tag in soup.find_all(_BOILERPLATE):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(_LINE)
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(_PARAGRAPH)
        tag.insert_after(_PARAGRAPH)
    text = _SOURCE_WHITESPACE.sub(" ", soup.get_text())
    metadata = {"language": str(lang)} if lang else {}
    return Parsed(text=text, title=title, metadata=metadata)


def parse_html(data: bytes, source: str) -> Parsed:
    """The title and readable text of an HTML file."""
    return html_to_parsed(_decode(data, source))
