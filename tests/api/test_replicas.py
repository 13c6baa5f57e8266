"""Two API replicas on the neo4j vector backend, each with a data folder of its own (no shared FAISS files), over one
Neo4j and over real HTTP: they give the same answers, and a document ingested through one is answered by the other
on its next question, and gone from both once deleted through the other."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.support import ensure_retrieval_corpus
from tests.support_api import API_KEYS, READ_KEY, serving
from tests.support_graphql import data, subscribe
from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings
from trellis.kg.vectors import Neo4jVectorSearch
from trellis.retrieval import Retriever

ASK = """
query Ask($q: String!) {
  ask(question: $q, options: {k: 4}) { text answerable citations { chunkId document { id } } facts { triple } }
}
"""
INGEST = """
mutation($docs: [DocumentInput!]!) {
  ingestDocuments(documents: $docs) { __typename ... on IngestStarted { job { id } } }
}
"""
PROGRESS = "subscription($id: ID!) { ingestProgress(jobId: $id) { status written finished } }"
DELETE = "mutation($id: ID!) { deleteDocument(id: $id) { __typename } }"
QUESTIONS = ["What is the capital of Albania?", "Who is Alain Connes?", "Which sea is west of Albania?"]


class Replica:
    """One API process's parts: its settings, its own store and retriever, its URL."""

    def __init__(self, settings: Settings, retriever: Retriever, url: str) -> None:
        self.settings, self.retriever, self.url = settings, retriever, url

    def ask(self, question: str) -> dict[str, Any]:
        answer: dict[str, Any] = data(self.url, ASK, {"q": question})["ask"]
        return answer


@pytest.fixture(scope="module")
def replicas(
    retrieval_settings: Settings,
    session_retriever: Retriever,
    retrieval_corpus: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Replica, Replica]]:
    """Two served apps on the neo4j backend, each with its own store, retriever and (empty) data folder."""
    from trellis.api.app import create_app

    ensure_retrieval_corpus(session_retriever, retrieval_corpus)
    built = []
    with ExitStack() as stack:
        for name in ("a", "b"):
            settings = retrieval_settings.model_copy(
                update={
                    "data_dir": tmp_path_factory.mktemp(f"replica-{name}"),
                    "vector_backend": "neo4j",
                    "api_keys": API_KEYS,
                }
            )
            store = stack.enter_context(GraphStore(settings))
            retriever = stack.enter_context(Retriever(settings, store=store, embedder=session_retriever.embedder))
            url = stack.enter_context(serving(create_app(settings, retriever=retriever)))
            built.append(Replica(settings, retriever, url))
        yield built[0], built[1]


def test_replicas_answer_alike_with_no_index_files(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    for replica in replicas:
        assert isinstance(replica.retriever.chunk_index, Neo4jVectorSearch)
        assert not replica.settings.index_dir.exists()  # nothing loaded from, or written to, a FAISS folder
    for question in QUESTIONS:
        assert a.ask(question) == b.ask(question)
    assert "Tirana" in a.ask(QUESTIONS[0])["text"]


def test_a_document_ingested_through_one_is_answered_by_the_other(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    document_id = f"replica-test-{uuid.uuid4().hex[:8]}"
    question = "Who built Zorblatt Keep?"
    before = b.ask(question)
    assert document_id not in {c["document"]["id"] for c in before["citations"]}
    text = "Zorblatt Keep is a fortress in Quenvale. Zorblatt Keep was built by Amara Velloc in 1821."
    started = data(a.url, INGEST, {"docs": [{"id": document_id, "title": "Zorblatt Keep", "text": text}]})
    job = started["ingestDocuments"]["job"]["id"]
    updates = subscribe(a.url, PROGRESS, {"id": job}, init={"Authorization": f"Bearer {READ_KEY}"})
    final = [m["payload"]["data"]["ingestProgress"] for m in updates if m["type"] == "next"][-1]
    assert final["status"] == "SUCCEEDED" and final["written"] == 1, final
    try:
        reloads = b.retriever.reloads
        seen = b.ask(question)  # B's next question: nothing told B of the write but the graph itself
        assert "Amara Velloc" in seen["text"]
        assert document_id in {c["document"]["id"] for c in seen["citations"]}
        assert b.retriever.reloads == reloads + 1  # B read the new graph (snapshot, pages) once, on its own
        assert a.ask(question) == seen
    finally:
        assert data(b.url, DELETE, {"id": document_id})["deleteDocument"]["__typename"] == "DocumentDeleted"
    for replica in replicas:
        after = replica.ask(question)
        assert document_id not in {c["document"]["id"] for c in after["citations"]}
