"""Build the sample corpora ``data/sample`` (demo) and ``data/wikipedia`` (all) from gensim's test data.

gensim ships a shortened English Wikipedia dump (about 100 articles with revisions up to May 2016:
countries such as Albania and Algeria, people such as Aristotle and Abraham Lincoln) for its own tests. This
script turns its articles into the JSONL that ``kg.ingest.loaders`` reads: one article per line, wiki markup
removed, trailing reference sections dropped, long articles cut at a paragraph boundary. Redirects,
disambiguation pages, other namespaces and stubs are skipped. The output is deterministic, so it is committed
and rebuilt only when this script changes:

    python scripts/build_sample_corpus.py [--out data/sample] [--max-chars 20000]
"""

from __future__ import annotations

import argparse
import bz2
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import gensim
from gensim.corpora.wikicorpus import extract_pages, filter_wiki

from trellis.kg.ingest.loaders import clean_text

DUMP = (
    Path(gensim.__file__).parent
    / "test"
    / "test_data"
    / "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
)
LICENSE = "CC BY-SA 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
MIN_CHARS = 500

# Sections that hold links and citations rather than prose; they and everything after them are dropped.
_TRAILING_SECTIONS = {
    "see also", "notes", "references", "further reading", "external links", "bibliography", "sources",
    "citations", "footnotes", "notes and references", "references and notes", "works cited", "gallery",
    "primary sources", "secondary sources", "selected bibliography", "explanatory notes",
    "general references",
}  # fmt: skip
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$")
_QUOTES = re.compile(r"'{2,5}")
_EMPTY_PARENS = re.compile(r"\(\s*(?:[,;:.\u2013-]\s*)*\)")
_LEADING_PUNCT_IN_PARENS = re.compile(r"\(\s*(?:[,;:]\s*)+")
_TRAILING_PUNCT_IN_PARENS = re.compile(r"(?:\s*[,;:])+\s*\)")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.;:!?)])")
_SPACE_AFTER_OPEN = re.compile(r"\([ \t]+")
_CAPTION_MARKUP = re.compile(r"\|\s*(?:\d+x?\d*px|thumb|thumbnail|upright|left|right|center)\b", re.I)
_LIST_MARKER = re.compile(r"^[*#:;]+\s*")
_SENTENCE_END = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*$")
_LEFTOVER_MARKUP = re.compile(r"\{\{|\}\}|\[\[|\]\]|\{\||\|\}|<[a-z/][^>]*>", re.I)


@dataclass(frozen=True)
class Article:
    """One article of the sample corpus."""

    page_id: str
    title: str
    text: str
    truncated: bool

    @property
    def url(self) -> str:
        return "https://en.wikipedia.org/wiki/" + quote(self.title.replace(" ", "_"), safe="()_,:'!-.")

    def to_json(self) -> str:
        record = {
            "id": f"enwiki-{self.page_id}",
            "title": self.title,
            "text": self.text,
            "metadata": {
                "source_url": self.url,
                "license": LICENSE,
                "publisher": "Wikipedia",
                "page_id": int(self.page_id),
                "truncated": self.truncated,
            },
        }
        return json.dumps(record, ensure_ascii=False)


def _clean_line(line: str) -> str:
    line = _QUOTES.sub("", line)
    line = _LEFTOVER_MARKUP.sub("", line)
    line = _EMPTY_PARENS.sub("", line)
    line = _LEADING_PUNCT_IN_PARENS.sub("(", line)
    line = _TRAILING_PUNCT_IN_PARENS.sub(")", line)
    line = _EMPTY_PARENS.sub("", line)
    line = _SPACE_AFTER_OPEN.sub("(", line)
    line = _SPACE_BEFORE_PUNCT.sub(r"\1", line)
    return " ".join(line.split())


@dataclass(frozen=True)
class Block:
    """A heading (``level`` 2 for ``== Title ==``, 3 for ``=== Title ===``) or a paragraph (``level`` 0)."""

    text: str
    level: int = 0


def wiki_blocks(raw: str) -> list[Block]:
    """Headings and paragraphs of ``filter_wiki`` output, without captions, list noise, trailing sections."""
    blocks: list[Block] = []
    for line in raw.splitlines():
        if heading := _HEADING.match(line.strip()):
            title = _clean_line(heading.group(2))
            if title.lower() in _TRAILING_SECTIONS:
                break
            if title:
                blocks.append(Block(title, level=len(heading.group(1))))
            continue
        if _CAPTION_MARKUP.search(line):
            continue
        is_item = bool(_LIST_MARKER.match(line))
        text = clean_text(_clean_line(_LIST_MARKER.sub("", line)))
        if not text or not any(char.isalnum() for char in text):
            continue
        if not is_item and len(text) < 150 and not _SENTENCE_END.search(text):
            continue  # an image caption or a table's leftover cell, not prose
        if is_item and blocks and blocks[-1].level == 0 and blocks[-1].text.endswith("\n"):
            blocks[-1] = Block(blocks[-1].text + text + "\n")  # consecutive list items stay one paragraph
        else:
            blocks.append(Block(text + "\n" if is_item else text))
    return blocks


def _without_empty_sections(blocks: list[Block]) -> list[Block]:
    """Drop each heading followed by nothing, or by a heading of its own or a higher level."""
    kept: list[Block] = []
    for block in reversed(blocks):
        following = kept[-1] if kept else None
        if block.level and (following is None or 0 < following.level <= block.level):
            continue
        kept.append(block)
    return kept[::-1]


def article_text(blocks: list[Block], max_chars: int) -> tuple[str, bool]:
    """The blocks as text, cut at the last paragraph that fits in ``max_chars``, and whether it was cut."""
    blocks = _without_empty_sections(blocks)
    kept: list[Block] = []
    size = 0
    for block in blocks:
        size += len(block.text) + 2
        if size > max_chars and kept:
            break
        kept.append(block)
    truncated = len(kept) < len(blocks)
    text = "\n\n".join(block.text.strip() for block in _without_empty_sections(kept))
    return text, truncated


def iter_articles(dump: Path, *, max_chars: int) -> Iterator[Article]:
    """The articles of ``dump`` worth keeping, cleaned and truncated."""
    with bz2.open(dump, "rb") as stream:
        for title, wikitext, page_id in extract_pages(stream, filter_namespaces=("0",)):
            if wikitext.lstrip().lower().startswith("#redirect") or "(disambiguation)" in title:
                continue
            if re.search(r"\{\{\s*(?:disambig|disambiguation|dab)\b", wikitext, re.I):
                continue
            text, truncated = article_text(wiki_blocks(filter_wiki(wikitext)), max_chars)
            if len(text) < MIN_CHARS:
                continue
            yield Article(page_id=page_id, title=title, text=text, truncated=truncated)


def attribution(articles: list[Article], *, max_chars: int) -> str:
    """The ``ATTRIBUTION.md`` text for ``articles``."""
    rows = "\n".join(
        f"- [{a.title}]({a.url}){' (truncated)' if a.truncated else ''}"
        for a in sorted(articles, key=lambda a: a.title)
    )
    truncated = sum(a.truncated for a in articles)
    return f"""# Attribution of the sample corpus

`wikipedia.jsonl` holds text adapted from {len(articles)} articles of the English Wikipedia, written by
Wikipedia contributors. Each article's line names its source in `metadata.source_url`; its authors are listed
in the page history there.

The text comes from the shortened dump that the gensim package ships as test data
(`gensim/test/test_data/{DUMP.name}`), with revisions up to May 2016, so it
may be out of date. Wikipedia published those revisions under CC BY-SA 3.0. `scripts/build_sample_corpus.py`
changed them: wiki markup, templates, tables, image captions and the trailing sections (See also, Notes,
References, Further reading, External links, ...) were removed, and {truncated} articles longer than
{max_chars:,} characters were cut at a paragraph boundary (marked `"truncated": true`). This adaptation is
licensed under the [Creative Commons Attribution-ShareAlike 4.0 International License]({LICENSE_URL})
({LICENSE}), as CC BY-SA 3.0 allows for adaptations.

The files in `extra/` were written for Trellis and are not from Wikipedia.

## Articles

{rows}
"""


SAMPLE_TITLES = (
    "Afghanistan",
    "Alabama",
    "Alaska",
    "Albania",
    "Alberta",
    "Algeria",
    "Andorra",
    "Angola",
    "Aruba",
    "Azerbaijan",
    "Asia",
    "Atlantic Ocean",
    "Abraham Lincoln",
    "Albert Einstein",
    "Aldous Huxley",
    "Alain Connes",
    "Andre Agassi",
    "Aristotle",
    "Arthur Schopenhauer",
    "Ayn Rand",
    "Apollo 11",
)
"""The demo sample's articles (places and people, ingested in minutes); every article goes to the full set."""


def _write(folder: Path, articles: list[Article], *, max_chars: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "wikipedia.jsonl"
    corpus.write_text("".join(article.to_json() + "\n" for article in articles), encoding="utf-8")
    (folder / "ATTRIBUTION.md").write_text(attribution(articles, max_chars=max_chars), encoding="utf-8")
    print(f"wrote {len(articles)} articles ({corpus.stat().st_size:,} bytes) to {corpus}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = Path(__file__).resolve().parents[1] / "data"
    parser.add_argument("--out", type=Path, default=data / "sample", help="the demo sample")
    parser.add_argument("--full-out", type=Path, default=data / "wikipedia", help="every article (benchmarks)")
    parser.add_argument("--max-chars", type=int, default=20_000)
    args = parser.parse_args()
    articles = list(iter_articles(DUMP, max_chars=args.max_chars))
    _write(args.full_out, articles, max_chars=args.max_chars)
    _write(args.out, [article for article in articles if article.title in SAMPLE_TITLES], max_chars=args.max_chars)


if __name__ == "__main__":
    main()
