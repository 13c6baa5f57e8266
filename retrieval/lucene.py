"""User text made safe for Neo4j full-text search (Lucene query syntax).

Nothing a user types reaches Lucene's query parser as syntax: every special character is escaped with a
backslash and the operators ``AND``, ``OR``, ``NOT`` lose their meaning, so ``name:(a OR b)~ "x`` searches for
the words it contains. :func:`terms_query` turns a question into an OR of its content words.
"""

from __future__ import annotations

import re
from collections.abc import Set
from functools import cache

__all__ = ["escape_lucene", "terms_query"]

_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_OPERATORS = re.compile(r"\b(AND|OR|NOT|TO)\b")
_WORD = re.compile(r"\w+", re.UNICODE)


def escape_lucene(text: str) -> str:
    """``text`` with every Lucene special character escaped and the boolean operators lower-cased.

    The standard analyzer lower-cases terms anyway, so ``AND`` searched as ``and`` finds the same documents.
    """
    escaped = _SPECIAL.sub(r"\\\1", text)
    return _OPERATORS.sub(lambda match: match.group(1).lower(), escaped)


def terms_query(text: str, *, max_terms: int = 32, keep_stop_words: bool = False) -> str:
    """A Lucene query matching any content word of ``text`` (escaped); empty when ``text`` has none.

    Words are deduplicated case-insensitively in order of appearance, and at most ``max_terms`` are kept, so
    the query never meets Lucene's clause limit.
    """
    seen: dict[str, str] = {}
    stop_words = frozenset() if keep_stop_words else _stop_words()
    for word in _WORD.findall(text):
        key = word.lower()
        if key in seen or key in stop_words or key.strip("_") == "":
            continue
        seen[key] = escape_lucene(word)
        if len(seen) >= max_terms:
            break
    return " ".join(seen.values())


@cache
def _stop_words() -> Set[str]:
    """spaCy's English stop words, loaded on the first query (spaCy is slow to import for a command that never
    searches)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
