"""Answers over prose, end to end against the real Neo4j, models and FAISS: a two-hop question whose bridge is
named only in the first document is answered with a short span citing both documents, a question about
something the corpus never mentions abstains, and a document written in wiki markup is shown clean, its heading
the section of its passages."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from trellis.kg.graph import GraphStore
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.lock import index_lock
from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder
from trellis.retrieval import Retriever
from trellis.retrieval.generators import NOT_IN_GRAPH

PAINTER = (
    "Marlow Vance (1894 - 1962) was a Scottish painter known for his seascapes. He trained in Glasgow and "
    "exhibited in London before the First World War.\n\n"
    "In 1931 Vance moved to Kestrel Bay, where he painted the lighthouse series that made his name. He stayed "
    "there for the rest of his life."
)
TOWN = (
    "Kestrel Bay is a fishing town on the northern coast of Aldmoor. The town was founded in 1642 by Dutch "
    "whalers, who built the first stone harbour.\n\n"
    "Today the harbour holds a small fleet and a museum of whaling."
)
REGION = (
    "{{Infobox region|name=Aldmoor|capital=Tarrow}}\n"
    "'''Aldmoor''' is a coastal [[region]] of moorland and cliffs.<ref>Atlas of the North, 1988.</ref>\n\n"
    "==Geography==\n"
    "The '''Tarrow Hills''' rise to 640 metres in the south of [[Aldmoor|the region]]. "
    "[[File:Tarrow.jpg|thumb|The hills in winter]]\n"
    '{| class="wikitable"\n|-\n| Peak || Height\n|}\n'
)
TWO_HOP = "In what year was the town founded where Marlow Vance painted his lighthouse series?"


@pytest.fixture(scope="module")
def prose_retriever(
    retrieval_settings: Settings,
    store: GraphStore,
    retrieval_embedder: Embedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Retriever]:
    """A retriever over three short documents (a graph and vector indexes of their own); the shared retrieval
    corpus is ingested again by the next test that needs it."""
    folder = tmp_path_factory.mktemp("prose")
    rows = [
        {"id": "painter", "title": "Marlow Vance", "text": PAINTER},
        {"id": "town", "title": "Kestrel Bay", "text": TOWN},
        {"id": "region", "title": "Aldmoor", "text": REGION},
    ]
    (folder / "prose.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    settings = retrieval_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("prose-data")})
    with index_lock(retrieval_settings):
        store.execute("delete_everything")
    report = IngestPipeline(settings, store=store, embedder=retrieval_embedder).ingest([folder])
    assert report.failed == 0 and report.documents == 3
    retriever = Retriever(settings, store=store, embedder=retrieval_embedder)
    yield retriever
    retriever.close()


def test_a_two_hop_question_is_answered_through_the_bridge_citing_both_documents(prose_retriever: Retriever) -> None:
    answer = prose_retriever.answer(TWO_HOP)
    assert answer.answerable and answer.span == "1642", answer.text
    assert set(answer.document_ids) == {"painter", "town"}, "the bridge sentence and the answer's sentence"
    titles = {c.title for c in answer.citations}
    assert titles == {"Marlow Vance", "Kestrel Bay"}, "citations name their documents"
    found = prose_retriever.retrieve(TWO_HOP)
    assert {"painter", "town"} <= {p.document_id for p in found.passages[:5]}


def test_a_question_about_something_absent_abstains(prose_retriever: Retriever) -> None:
    answer = prose_retriever.answer("In what year was the harbour of Port Renwick founded?")
    assert not answer.answerable and answer.text == NOT_IN_GRAPH and answer.citations == []


def test_a_passage_written_in_wiki_markup_is_shown_clean(prose_retriever: Retriever) -> None:
    found = prose_retriever.retrieve("How high do the Tarrow Hills rise?")
    hills = next(p for p in found.passages if "Tarrow Hills" in p.text)
    for markup in ("'''", "[[", "]]", "{{", "==", "<ref", "{|", "thumb"):
        assert markup not in hills.text, markup
    assert hills.title == "Aldmoor" and hills.section == "Geography"
    assert "640 metres in the south of the region" in hills.text, "a link keeps the text it shows"
    answer = prose_retriever.answer("How high do the Tarrow Hills rise?")
    assert answer.answerable and answer.span is not None and "640" in answer.span
    assert answer.citations[0].section == "Geography"
