"""Graph expansion: personalized PageRank reaches a chunk two hops from the question entity; paths between
question entities."""

from __future__ import annotations

from typing import Any

import pytest

from trellis.kg.graph import GraphStore, Record
from trellis.retrieval import AnswerOptions, Retriever
from trellis.retrieval.expansion import SAME_NAME, Expansion, GraphExpander, _build, _pagerank, _paths
from trellis.retrieval.linking import EntityLinker
from trellis.retrieval.search import PassageSearch
from trellis.retrieval.types import Fact, LinkedEntity, Passage


def _expand(retriever: Retriever, question: str) -> tuple[list[LinkedEntity], list[Passage], Expansion]:
    """Linked entities and the expansion from them and the search candidates, as ``retrieve`` does it."""
    linker = EntityLinker(
        store=retriever.store, embed=retriever.embedder.embed, index=retriever.entity_index, nlp=retriever.nlp
    )
    entities = linker.run(question)
    search = PassageSearch(store=retriever.store, index=retriever.chunk_index)
    candidates = search.run(question, retriever.embedder.embed([question])[0])
    return entities, candidates, GraphExpander(retriever.store, hops=2).run(entities, candidates)


def test_pagerank_ranks_a_chunk_two_hops_away(retriever: Retriever) -> None:
    # Serbia -[CAPITAL_OF]- Belgrade -[MENTIONS]- "The Danube flows through ... Belgrade": that chunk never names
    # Serbia, yet PageRank from Serbia reaches it through the capital.
    entities, candidates, expansion = _expand(retriever, "Which river flows through the capital of Serbia?")
    assert [e.name for e in entities] == ["Serbia"]
    scores = expansion.chunk_scores()
    texts = {p.chunk_id: p.text for p in candidates}
    danube = next(chunk for chunk, text in texts.items() if "Danube flows through" in text)
    assert "Serbia" not in texts[danube]
    assert scores[danube] > 0
    others = [chunk for chunk, text in texts.items() if chunk != danube and "Serbia" not in text]
    assert len(others) >= 3 and all(scores[danube] > scores.get(chunk, 0.0) for chunk in others)
    assert all(value >= 0 for value in expansion.ppr.values())


def test_the_two_hop_chunk_reaches_the_ranked_passages(retriever: Retriever) -> None:
    found = retriever.retrieve("Which river flows through the capital of Serbia?", options=AnswerOptions(k=4))
    danube = [p for p in found.passages if "Danube flows through" in p.text]
    assert danube and danube[0].ppr is not None and danube[0].ppr > 0
    assert any(f.predicate == "FLOWS_THROUGH" and f.object == "Belgrade" for f in found.facts)


def test_paths_join_the_question_entities(retriever: Retriever) -> None:
    entities, _, expansion = _expand(retriever, "Does the Danube flow through the capital of Serbia?")
    assert {"Danube", "Serbia"} <= {e.name for e in entities}
    path = next(p for p in expansion.paths if {p.names[0], p.names[-1]} == {"Danube", "Serbia"})
    assert "Belgrade" in path.names and len(path.edges) == len(path.nodes) - 1
    assert all(edge.evidence for edge in path.edges), "every relation on a path carries its evidence chunks"


def test_relations_carry_their_evidence(retriever: Retriever) -> None:
    _, _, expansion = _expand(retriever, "What is the capital of Albania?")
    capital = next(f for f in expansion.facts if f.predicate == "CAPITAL_OF" and f.subject == "Tirana")
    assert capital.object == "Albania" and capital.evidence
    assert all(e.document_id for e in capital.evidence)


def test_entities_of_one_name_are_joined_so_pagerank_and_paths_cross_them() -> None:
    def fact(subject: str, subject_id: str, predicate: str, obj: str, object_id: str) -> Fact:
        return Fact(
            subject_id=subject_id, subject=subject, predicate=predicate, object_id=object_id, object=obj,
            confidence=0.8, evidence=[],
        )  # fmt: skip

    capital = fact("Ouagadougou", "oua", "CAPITAL_OF", "Burkina Faso", "bf-place")
    currency = fact("Franc", "franc", "CURRENCY_OF", "Burkina Faso", "bf-organisation")
    names = {"oua": "Ouagadougou", "bf-place": "Burkina Faso", "bf-organisation": "Burkina Faso", "franc": "Franc"}
    expansion = Expansion(facts=[capital, currency], names=names)
    graph = _build(expansion, mention_weight=0.5)
    assert graph.es.select(kind_eq=SAME_NAME)["kind"] == [SAME_NAME]
    assert _pagerank(graph, {"oua": 1.0}, 0.85)["franc"] > 0
    (path,) = _paths(graph, ["oua", "franc"], expansion)
    assert [edge.type for edge in path.edges] == ["CAPITAL_OF", "CURRENCY_OF"]


def _counting(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the queries the store runs from now on (the real store runs them)."""
    names: list[str] = []
    query = retriever.store.query

    def counted(name: str, **parameters: Any) -> list[Record]:
        names.append(name)
        return query(name, **parameters)

    monkeypatch.setattr(retriever.store, "query", counted)
    return names


def test_without_a_snapshot_each_side_reads_neo4j_a_few_bounded_queries(
    retriever: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    entities, candidates, _ = _expand(retriever, "Which river flows through the capital of Serbia?")
    names = _counting(retriever, monkeypatch)
    expander = GraphExpander(retriever.store, hops=2)
    around = expander.around_entities(entities)
    hop, mentions = "adjacency_entity_relations", "adjacency_entity_chunks"
    assert names == [hop, hop, mentions], "two hops and the mentions; the linked entities' side needs no passages"
    near = expander.around_passages(candidates[:5], linked=True)
    assert names[3:] == ["adjacency_chunk_entities", hop], "one hop beside linked entities, no mentions"
    assert around["chunk_entities"] == [] and near["mentions"] == []
    expansion = expander.combine(entities, candidates[:5], around, near)
    assert len(names) == 5
    assert any(f.predicate == "FLOWS_THROUGH" and f.object == "Belgrade" for f in expansion.facts)
    assert expansion.facts == expander.run(entities, candidates).facts
    keys = [(f.subject_id, f.predicate, f.object_id) for f in expansion.facts]
    assert len(keys) == len(set(keys)), "a relation both sides found is kept once"


def test_without_linked_entities_the_passages_entities_expand_two_hops(retriever: Retriever) -> None:
    _, candidates, _ = _expand(retriever, "Which river flows through the capital of Serbia?")
    expander = GraphExpander(retriever.store, hops=2)
    assert expander.around_entities([]) == {"chunk_entities": [], "facts": [], "first_hop": 0, "mentions": []}
    one = expander.around_passages(candidates[:5], linked=True)
    two = expander.around_passages(candidates[:5], linked=False)
    assert one["first_hop"] == len(one["facts"]), "one hop beside linked entities"
    assert len(two["facts"]) > two["first_hop"] == one["first_hop"], "two hops when nothing was linked"


def test_hops_bound_the_relations(retriever: Retriever) -> None:
    entities, candidates, _ = _expand(retriever, "Which river flows through the capital of Serbia?")
    by_hops = {hops: GraphExpander(retriever.store, hops=hops).run(entities, candidates) for hops in (0, 1, 2, 3)}
    assert by_hops[0].facts == [] and by_hops[0].chunk_documents, "no relations, yet the mentioned chunks"
    keys = {hops: {(f.subject_id, f.predicate, f.object_id) for f in e.facts} for hops, e in by_hops.items()}
    assert keys[1] and keys[1] <= keys[2] <= keys[3]
    assert len(keys[2]) == len(by_hops[2].facts), "each relation once"


def test_a_hub_is_read_type_by_type_so_a_rare_relation_is_not_crowded_out(store: GraphStore, hub: LinkedEntity) -> None:
    def predicates(expander: GraphExpander) -> list[str]:
        return [f.predicate for f in expander.run([hub], []).facts]

    # Below the hub threshold, the most confident relations win, ties by the other end's id: 10 towns.
    assert predicates(GraphExpander(store, hops=1, per_entity=10, per_type=3, hub=1000)) == ["CITY_IN"] * 10
    # As a hub (more than 20 relationships), at most 3 of each type in each direction: the capital is kept, and so
    # is the hub's own CITY_IN, which its towns' CITY_IN would otherwise crowd out.
    facts = GraphExpander(store, hops=1, per_entity=10, per_type=3, hub=20).run([hub], []).facts
    assert sorted(f.predicate for f in facts) == ["CAPITAL_OF", *["CITY_IN"] * 4]
    assert ("Hubtestland", "CITY_IN", "Hubtest Region") in {(f.subject, f.predicate, f.object) for f in facts}
    # The third hop reads hubs the same way: person -BORN_IN- town -CITY_IN- hub -...
    person = hub.model_copy(update={"id": "hubtest-person", "name": "Hubtest Person", "type": "Person"})

    def third_hop(threshold: int) -> list[str]:
        expander = GraphExpander(store, hops=3, per_entity=10, per_type=3, hub=threshold)
        return [f.predicate for f in expander.run([person], []).facts]

    assert "CAPITAL_OF" not in third_hop(1000) and "CAPITAL_OF" in third_hop(20)
