"""Lucene escaping: user text never reaches the full-text query parser as syntax."""

from __future__ import annotations

import pytest

from trellis.kg.graph import GraphStore
from trellis.retrieval.lucene import escape_lucene, terms_query

NASTY = [
    'name:(a OR b)~ "x',
    "a AND NOT b || c && d",
    "[1 TO 5] {x} ^2 * ? \\ /regex/ +must -not !bang",
    '"unbalanced',
    "title:Albania~0.8",
    "MATCH (n) DETACH DELETE n //",
    "阿尔巴尼亚的首都是什么？",  # noqa: RUF001
    "ما هي عاصمة ألبانيا؟",
    "***",
]


def test_special_characters_are_escaped() -> None:
    assert escape_lucene('name:(a OR b)~ "x') == 'name\\:\\(a or b\\)\\~ \\"x'


@pytest.mark.parametrize("char", list('+-!(){}[]^"~*?:\\/&|'))
def test_every_special_character_gets_a_backslash(char: str) -> None:
    assert escape_lucene(f"a{char}b") == f"a\\{char}b"


def test_operators_lose_their_meaning_but_words_stay() -> None:
    assert escape_lucene("cats AND dogs OR NOT TO mice") == "cats and dogs or not to mice"
    assert escape_lucene("ANDROID ORegon NOTE") == "ANDROID ORegon NOTE"


def test_terms_query_keeps_content_words_once() -> None:
    assert terms_query("What is the capital of Albania? The CAPITAL!") == "capital Albania"
    assert terms_query("the of and") == ""
    assert terms_query("") == ""
    assert len(terms_query(" ".join(f"word{i}" for i in range(500))).split()) == 32


@pytest.mark.parametrize("text", NASTY)
def test_escaped_queries_run_on_the_real_full_text_indexes(store: GraphStore, text: str) -> None:
    for query in (escape_lucene(text), terms_query(text)):
        if query.strip():  # Lucene syntax in the text must be searched for, not parsed: no error, bounded rows
            for name in ("retrieval_chunk_fulltext", "retrieval_entity_fulltext"):
                rows = store.query(name, query=query, limit=3)
                assert len(rows) <= 3 and all(row["score"] > 0 for row in rows)
