"""Evaluation fixtures: a slice of the shipped evaluation corpus (the GeoNames facts of four countries, one fact per
document) ingested into the session's test server with vector indexes of its own, and a retriever over it.

The graph is emptied afterwards, so the retrieval tests' own corpus is ingested again for them when they need it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder
from trellis.retrieval import Retriever
from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR, EvalQuestion, load_questions
from trellis.retrieval.evaluation.harness import ingest_corpus

COUNTRIES = ("AF", "AZ", "DZ", "FR")
"""Afghanistan, Azerbaijan, Algeria, France: five fact documents each."""


def _of_slice(item_id: str) -> bool:
    return item_id.split("-")[1] in COUNTRIES


@pytest.fixture(scope="module")
def slice_questions() -> list[EvalQuestion]:
    return [q for q in load_questions(DEFAULT_EVAL_DIR / "multihop.jsonl") if _of_slice(q.id)]


@pytest.fixture(scope="module")
def eval_retriever(
    neo4j_settings: Settings, store: GraphStore, retrieval_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Retriever]:
    folder = tmp_path_factory.mktemp("eval-slice")
    settings = neo4j_settings.model_copy(
        update={
            "data_dir": folder / "data",
            "neo4j_password": SecretStr(resolve_password(neo4j_settings)),
            "device": "cpu",
        }
    )
    lines = (DEFAULT_EVAL_DIR / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    facts = [line for line in lines if json.loads(line)["id"].startswith("geo-") and _of_slice(json.loads(line)["id"])]
    corpus = folder / "corpus.jsonl"
    corpus.write_text("\n".join(facts) + "\n", encoding="utf-8")
    store.execute("delete_everything")
    report = ingest_corpus(settings, store, Path(corpus), embedder=retrieval_embedder)
    assert report.failed == 0 and report.documents == len(facts) == 5 * len(COUNTRIES)
    yield Retriever(settings, store=store, embedder=retrieval_embedder)
    store.execute("delete_everything")
