"""One ranking of passages and facts from the dense, full-text and PageRank signals (pure functions)."""

from __future__ import annotations

import pytest

from trellis.retrieval.ranking import content_words, evidence_scores, rank_facts, rank_passages, word_matches
from trellis.retrieval.types import Evidence, Fact, Passage


def _passage(chunk_id: str, *, dense: float | None = None, fulltext: float | None = None) -> Passage:
    return Passage(chunk_id=chunk_id, document_id="d", text=chunk_id, dense=dense, fulltext=fulltext)


def _fact(subject: str, predicate: str, obj: str, confidence: float = 0.8) -> Fact:
    return Fact(
        subject_id=subject.lower(), subject=subject, predicate=predicate, object_id=obj.lower(), object=obj,
        confidence=confidence, evidence=[Evidence(chunk_id="c1", document_id="d")],
    )  # fmt: skip


def test_every_signal_counts_and_a_graph_only_chunk_can_win() -> None:
    candidates = [_passage("dense", dense=0.6), _passage("text", dense=0.3, fulltext=4.0)]
    ranked = rank_passages(candidates, {"graph": 1.0, "dense": 0.1}, k=3, weights=(0.2, 0.2, 0.6))
    assert [p.chunk_id for p in ranked] == ["graph", "text", "dense"]
    graph = ranked[0]
    assert graph.text == "" and graph.ppr == 1.0, "a chunk only the graph reached joins without text"
    assert ranked[2].ppr == 0.1


def test_ranking_is_deterministic_and_cut_at_k() -> None:
    candidates = [_passage(f"c{i}", dense=0.5) for i in range(5)]
    ranked = rank_passages(candidates, {}, k=3)
    assert [p.chunk_id for p in ranked] == ["c0", "c1", "c2"]
    assert rank_passages(list(reversed(candidates)), {}, k=3) == ranked


def test_facts_that_answer_the_question_come_first_and_co_occurrence_is_left_out() -> None:
    facts = [
        _fact("Albania", "MEMBER_OF", "United Nations"),
        _fact("Tirana", "CAPITAL_OF", "Albania"),
        _fact("Tirana", "CO_OCCURS_WITH", "Albania", 0.3),
        _fact("Skopje", "CAPITAL_OF", "North Macedonia"),
    ]
    ranked = rank_facts(facts, {}, question="What is the capital of Albania?", entity_ids={"albania"}, limit=10)
    assert ranked[0].triple == "(Tirana) -[CAPITAL_OF]-> (Albania)"
    assert all(f.predicate != "CO_OCCURS_WITH" for f in ranked)
    assert len(rank_facts(facts, {}, question="x", entity_ids=set(), limit=1)) == 1


def test_content_words() -> None:
    assert content_words("What is the capital of Albania?") == {"capital", "albania"}
    assert content_words("Which rivers flowed") == {"river", "flow"}
    assert word_matches({"capital", "albania"}, "Tirana is the capital of Albania.") == 1.0
    assert word_matches(set(), "anything") == 0.0


def test_the_evidence_of_asked_facts_lifts_its_passage() -> None:
    capital = _fact("Kabul", "CAPITAL_OF", "Afghanistan").model_copy(
        update={"evidence": [Evidence(chunk_id="capital", document_id="d1")]}
    )
    population = _fact("Kabul", "HAS_POPULATION", "4,434,550").model_copy(
        update={"evidence": [Evidence(chunk_id="population", document_id="d2")]}
    )
    currency = _fact("Afghani", "CURRENCY_OF", "Afghanistan").model_copy(
        update={"evidence": [Evidence(chunk_id="currency", document_id="d3")]}
    )
    ppr = {"kabul": 0.2, "afghanistan": 0.4, "4,434,550": 0.05, "afghani": 0.05}
    question = "What is the population of the capital of Afghanistan?"
    scores = evidence_scores([capital, population, currency], ppr, question=question, entity_names={"Afghanistan"})
    assert set(scores) == {"capital", "population"}, "the currency is near the country but not asked about"
    assert scores["capital"] == 1.0, "the first hop of the chain from the question's country"
    assert scores["population"] == pytest.approx(0.9), "the second hop, through Kabul"
    loose = evidence_scores([capital, population, currency], ppr, question=question)
    assert set(loose) == {"capital", "population"} and 0 < loose["population"] < loose["capital"] <= 0.5
    candidates = [_passage(c, dense=0.5) for c in ("currency", "population", "capital")]
    near = {"currency": 0.8, "capital": 1.0, "population": 0.5}
    plain = rank_passages(candidates, near, k=2)
    lifted = rank_passages(candidates, near, k=2, evidence=scores)
    assert [p.chunk_id for p in plain] == ["capital", "currency"]
    assert [p.chunk_id for p in lifted] == ["capital", "population"]


def test_a_chain_runs_by_name_through_entities_the_ner_typed_differently() -> None:
    capital = _fact("Ouagadougou", "CAPITAL_OF", "Burkina Faso").model_copy(
        update={"evidence": [Evidence(chunk_id="capital", document_id="d1")]}
    )
    currency = _fact("Franc", "CURRENCY_OF", "Burkina Faso").model_copy(
        update={"object_id": "burkina-faso-as-an-organisation", "evidence": [Evidence(chunk_id="currency")]}
    )
    elsewhere = _fact("Kwanza", "CURRENCY_OF", "Angola").model_copy(update={"evidence": [Evidence(chunk_id="angola")]})
    question = "What is the currency of the country whose capital is Ouagadougou?"
    scores = evidence_scores([capital, currency, elsewhere], {}, question=question, entity_names={"Ouagadougou"})
    assert scores == {"capital": 1.0, "currency": pytest.approx(0.9)}


def test_a_canonical_type_is_asked_about_through_the_phrase_the_text_used() -> None:
    capital = _fact("Kabul", "CAPITAL_OF", "Afghanistan").model_copy(
        update={"phrase": "capital of", "evidence": [Evidence(chunk_id="capital", document_id="d1")]}
    )
    continent = _fact("Afghanistan", "LOCATED_IN", "Asia").model_copy(
        update={"phrase": "country in", "evidence": [Evidence(chunk_id="continent", document_id="d2")]}
    )
    towns = [
        _fact(f"Town {n}", "LOCATED_IN", "Afghanistan").model_copy(
            update={"phrase": "city in", "evidence": [Evidence(chunk_id=f"town-{n}", document_id="d3")]}
        )
        for n in range(5)
    ]
    question = "On which continent is the country whose capital is Kabul?"
    scores = evidence_scores([capital, continent, *towns], {}, question=question, entity_names={"Kabul"})
    assert scores == {"capital": 1.0, "continent": pytest.approx(0.9)}, "the towns' LOCATED_IN is not asked about"
    ranked = rank_facts([*towns, continent], {}, question=question, entity_ids=[], limit=1)
    assert [fact.object for fact in ranked] == ["Asia"]
