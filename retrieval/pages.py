"""Pages: the documents that are about an entity, found by their titles in a passage's text.

A Wikipedia-like corpus has an article per entity, and a passage that names the entity leads to it: the Apollo
article is the page of "Apollo" in the sentence of the Achilles article that names him. :class:`PageIndex` holds
every document's title as a key (case-folded, with and without a parenthetical qualifier: "Animalia (book)" is
also "animalia"), and :meth:`PageIndex.named_in` finds the titles a text names. A one-word title must be written
with a capital in the text, so "art" in running prose does not lead to the article *Art*; a plural ("the
amphibians") finds its singular title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trellis.kg.graph import GraphStore

__all__ = ["PageIndex", "plain_title"]

_WORD = re.compile(r"[\w'\u2019.-]+", re.UNICODE)
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_PAGE = 10_000
_LONGEST = 6
"""The longest title, in words, looked for in a text."""


def plain_title(title: str | None) -> str:
    """A title without its parenthetical qualifier ("Animalia (book)" -> "Animalia"); "" for none."""
    return _QUALIFIER.sub("", title or "").strip()


def _key(text: str) -> str:
    words = [w.strip(".'\u2019-").casefold() for w in text.split()]
    return " ".join(w.removesuffix("'s").removesuffix("\u2019s") for w in words if w)


@dataclass(frozen=True)
class PageIndex:
    """Document ids by their titles' keys."""

    pages: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_titles(cls, titles: Iterable[tuple[str, str]]) -> PageIndex:
        """The index of ``(document id, title)`` pairs."""
        pages: dict[str, list[str]] = {}
        for document_id, title in titles:
            for form in {title, plain_title(title)}:
                if key := _key(form):
                    pages.setdefault(key, []).append(document_id)
        return cls({key: tuple(dict.fromkeys(ids)) for key, ids in pages.items()})

    @classmethod
    def load(cls, store: GraphStore) -> PageIndex:
        """Every document's title, read from Neo4j (``retrieval_pages``)."""
        rows: list[tuple[str, str]] = []
        after = ""
        while page := store.query("retrieval_pages", after=after, limit=_PAGE):
            rows += [(row["id"], row["title"]) for row in page]
            after = page[-1]["id"]
        return cls.from_titles(rows)

    def named_in(self, text: str) -> list[str]:
        """The documents whose titles ``text`` names, in order of first mention, longest title first where
        mentions overlap."""
        words = _WORD.findall(text)
        found: list[str] = []
        position = 0
        while position < len(words):
            for size in range(min(_LONGEST, len(words) - position), 0, -1):
                span = words[position : position + size]
                if size == 1 and not span[0][:1].isupper():
                    continue
                key = _key(" ".join(span))
                ids = self.pages.get(key) or (self.pages.get(key[:-1]) if key.endswith("s") else None)
                if ids:
                    found += ids
                    position += size - 1
                    break
            position += 1
        return list(dict.fromkeys(found))
