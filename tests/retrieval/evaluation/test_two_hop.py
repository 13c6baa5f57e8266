"""Acceptance, on the sample corpus: `trellis ask` answers a two-hop question that dense-only retrieval misses, and
every chunk and relation it cites exists in Neo4j."""

from __future__ import annotations

import json

from tests.support import run_cli, settings_env
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings
from trellis.retrieval import AnswerOptions, Retriever
from trellis.retrieval.evaluation.systems import DenseSystem, generate_answer

QUESTION = "Which river flows through the capital of Serbia?"
"""Two hops: "Belgrade is the capital of Serbia" (balkan-capitals.md), "The Danube flows through ... Belgrade"
(geography-facts.txt); no passage of the sample corpus holds the answer and the question's words together."""


def test_dense_only_retrieval_misses_the_two_hop_answer(retriever: Retriever) -> None:
    found = DenseSystem(retriever, depth=AnswerOptions().k).retrieve(QUESTION)
    assert found.passages, "dense search returns passages, just not an answer"
    generation = generate_answer(retriever, retriever.generator, QUESTION, found, options=AnswerOptions())
    assert not generation.answerable or not generation.text.startswith("Danube")


def test_trellis_ask_answers_it_citing_only_what_neo4j_holds(retriever: Retriever, neo4j_settings: Settings) -> None:
    env = settings_env(retriever.settings, NEO4J_PASSWORD=resolve_password(neo4j_settings))
    result = run_cli("ask", QUESTION, "--json", env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert answer["answerable"] and answer["text"].startswith("Danube")
    assert {r["predicate"] for r in answer["relations"]} == {"CAPITAL_OF", "FLOWS_THROUGH"}

    cited = set(answer["chunk_ids"])
    rows = retriever.store.query("retrieval_chunks", ids=sorted(cited))
    assert cited and {row["id"] for row in rows} == cited
    assert {row["document_id"] for row in rows} == set(answer["document_ids"])
    stored = {
        (row["start"], row["type"], row["end"]): set(row["evidence"] or [])
        for row in retriever.store.query("graph_relationships")
    }
    for relation in answer["relations"]:
        evidence = stored.get((relation["subject_id"], relation["predicate"], relation["object_id"]))
        assert evidence is not None, relation
        assert {e["chunk_id"] for e in relation["evidence"]} <= evidence
        assert {e["chunk_id"] for e in relation["evidence"]} & cited, "each relation's evidence is cited"
