"""Two `trellis serve` processes on the neo4j vector backend, each with a data folder of its own (no shared FAISS
files), over one Neo4j and over real HTTP: they give the same answers, and a document ingested through one is
answered by the other on its next question, and gone from both once deleted through the other.

The two servers are started once for the module, side by side (their model loading is most of the module's time),
and stopped at its end, whatever happened."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import REPO, ensure_retrieval_corpus, free_port, settings_env
from tests.support_api import API_KEYS, READ_KEY
from tests.support_graphql import data, subscribe
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings
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
READY_SECONDS = 300.0  # the models load in each process: far above what it takes, a bound on a hang
STOP_SECONDS = 30.0


class Replica:
    """One `trellis serve` process: its URL, its data folder and its log."""

    def __init__(self, process: subprocess.Popen[bytes], *, url: str, data_dir: Path, log: Path) -> None:
        self.process, self.url, self.data_dir, self.log = process, url, data_dir, log

    def ask(self, question: str) -> dict[str, Any]:
        answer: dict[str, Any] = data(self.url, ASK, {"q": question})["ask"]
        return answer

    def ready(self) -> dict[str, Any] | None:
        """The body of a 200 from /readyz, or None while it is not ready (fails the test once the process ended)."""
        if self.process.poll() is not None:
            pytest.fail(f"`trellis serve` exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
        try:
            response = httpx.get(f"{self.url}/readyz", timeout=10)
        except httpx.HTTPError:
            return None
        body: dict[str, Any] = response.json()
        return body if response.status_code == 200 else None

    def stop(self) -> None:
        """SIGTERM (uvicorn's graceful stop), then SIGKILL if it is still running after :data:`STOP_SECONDS`."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(settings: Settings, data_dir: Path) -> Replica:
    """`trellis serve` on a free port with a data folder of its own, the neo4j backend and the test keys."""
    port, log = free_port(), data_dir / "serve.log"
    env = settings_env(
        settings,
        TRELLIS_DATA_DIR=str(data_dir),
        NEO4J_PASSWORD=resolve_password(settings),
        TRELLIS_VECTOR_BACKEND="neo4j",
        TRELLIS_API_KEYS=json.dumps(API_KEYS),
        TRELLIS_DEVICE="cpu",
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "trellis.api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Replica(process, url=f"http://127.0.0.1:{port}", data_dir=data_dir, log=log)


def _wait_ready(replicas: list[Replica]) -> list[dict[str, Any]]:
    """Each replica's /readyz body, once all of them answer 200."""
    deadline = time.monotonic() + READY_SECONDS
    bodies: dict[int, dict[str, Any]] = {}
    while len(bodies) < len(replicas):
        for number, replica in enumerate(replicas):
            if number not in bodies and (body := replica.ready()) is not None:
                bodies[number] = body
        if time.monotonic() > deadline:
            pytest.fail(f"`trellis serve` not ready in {READY_SECONDS:.0f} s: see {[str(r.log) for r in replicas]}")
        time.sleep(0.5)
    return [bodies[number] for number in range(len(replicas))]


@pytest.fixture(scope="module")
def replicas(
    retrieval_settings: Settings,
    session_retriever: Retriever,
    retrieval_corpus: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Replica, Replica]]:
    """Two `trellis serve` processes over the retrieval corpus, started side by side and stopped at the end."""
    ensure_retrieval_corpus(session_retriever, retrieval_corpus)
    started: list[Replica] = []
    try:
        for name in ("a", "b"):
            started.append(_start(retrieval_settings, tmp_path_factory.mktemp(f"replica-{name}")))
        for body in _wait_ready(started):
            assert body["status"] == "ready", body
        yield started[0], started[1]
    finally:
        for replica in started:
            replica.stop()


def test_replicas_answer_alike_with_no_index_files(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    for replica in replicas:
        assert not (replica.data_dir / "index").exists()  # nothing loaded from, or written to, a FAISS folder
    assert a.process.pid != b.process.pid
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
        seen = b.ask(question)  # B's next question: nothing told B of the write but the graph itself
        assert "Amara Velloc" in seen["text"]
        assert document_id in {c["document"]["id"] for c in seen["citations"]}
        assert a.ask(question) == seen
    finally:
        assert data(b.url, DELETE, {"id": document_id})["deleteDocument"]["__typename"] == "DocumentDeleted"
    for replica in replicas:
        after = replica.ask(question)
        assert document_id not in {c["document"]["id"] for c in after["citations"]}
        assert "Amara Velloc" not in after["text"]
