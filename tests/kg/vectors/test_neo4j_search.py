"""Dense search through Neo4j's vector indexes, against the real test server over the ingested retrieval corpus: the
same top hits and cosines as the exact FAISS index the ingest built beside it, the stored vectors, the size, the
index check, and one clear error for a missing index, a vector of another size or an unknown backend name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trellis.kg.errors import ConfigurationError, VectorIndexError
from trellis.kg.graph import GraphStore, apply_schema
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.settings import Settings, get_settings
from trellis.kg.vectors import Neo4jVectorSearch, VectorIndex, open_vector_search
from trellis.kg.vectors.neo4j_search import Target
from trellis.retrieval import Retriever

QUESTIONS = [
    "What is the capital of Albania?",
    "Which mountains are in Albania?",
    "Who is Alain Connes?",
    "What did the mathematician study?",
    "Which country borders Greece?",
]
TOP = 5


def neo4j_search(retriever: Retriever, target: Target) -> Neo4jVectorSearch:
    return Neo4jVectorSearch(retriever.store, target=target, dimensions=retriever.settings.embedding_dimensions)


def queries(retriever: Retriever, index: VectorIndex) -> np.ndarray:
    """The questions' vectors and a few stored vectors (each must find itself first)."""
    stored = index.vectors(sorted(index.ids())[:: max(1, len(index) // 5)])
    return np.vstack([retriever.embedder.embed(QUESTIONS), stored])


@pytest.mark.parametrize("target", ["chunks", "entities"])
def test_the_top_hits_and_cosines_are_those_of_exact_faiss(retriever: Retriever, target: Target) -> None:
    faiss = retriever.chunk_index if target == "chunks" else retriever.entity_index
    assert isinstance(faiss, VectorIndex) and faiss.kind == "flat"  # exact: the ground truth
    vectors = queries(retriever, faiss)
    neo4j = neo4j_search(retriever, target)
    expected, found = faiss.search(vectors, TOP), neo4j.search(vectors, TOP)
    assert len(found) == len(vectors)
    for want, got in zip(expected, found, strict=True):
        assert [i for i, _ in got] == [i for i, _ in want] or _tied(want, got)
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-4)
    assert len(neo4j) == len(faiss)


def _tied(want: list[tuple[str, float]], got: list[tuple[str, float]]) -> bool:
    """The same ids but for neighbours whose cosines are equal to float precision (their order is arbitrary)."""
    scores = dict(want)
    return all(abs(scores.get(i, -9.0) - s) < 1e-5 for i, s in got)


def test_stored_vectors_are_the_faiss_ones(retriever: Retriever) -> None:
    faiss = retriever.entity_index
    assert isinstance(faiss, VectorIndex)
    ids = [*sorted(faiss.ids())[:7], "no-such-entity"]
    stored = neo4j_search(retriever, "entities").vectors_of(ids)
    assert set(stored) == set(ids[:7])
    for id_, vector in faiss.vectors_of(ids).items():
        np.testing.assert_array_equal(stored[id_], vector)


def test_odd_input(retriever: Retriever) -> None:
    neo4j = neo4j_search(retriever, "chunks")
    assert neo4j.search(np.empty((0, 384), dtype=np.float32), 3) == []
    assert neo4j.vectors_of([]) == {}
    single = neo4j.search(retriever.embedder.embed(["Tirana"])[0], 2)  # one vector, not a matrix
    assert len(single) == 1 and len(single[0]) == 2
    with pytest.raises(ValueError, match="k must be at least 1"):
        neo4j.search(np.zeros((1, 384), dtype=np.float32), 0)


def test_a_vector_of_another_size_is_one_clear_error(retriever: Retriever) -> None:
    with pytest.raises(VectorIndexError, match=r"vectors of 12 dimensions do not fit .*chunk_embedding.* of 384"):
        neo4j_search(retriever, "chunks").search(np.ones((1, 12), dtype=np.float32), 3)


def test_a_missing_vector_index_is_one_clear_error(retriever: Retriever) -> None:
    store = retriever.store
    settings = retriever.settings.model_copy(update={"vector_backend": "neo4j"})
    store.run_text("DROP INDEX entity_embedding", write=True)
    try:
        with pytest.raises(VectorIndexError, match=r"no vector index 'entity_embedding'.*trellis init"):
            neo4j_search(retriever, "entities").search(retriever.embedder.embed(["Tirana"]), 3)
        with pytest.raises(VectorIndexError, match="no vector index 'entity_embedding'"):
            check_indexes(settings, store)
    finally:
        apply_schema(store)  # back, filled from the embeddings on the nodes
    assert [check.ok for check in check_indexes(settings, store)] == [True, True]


def test_the_index_check_of_the_neo4j_backend(retriever: Retriever) -> None:
    settings = retriever.settings.model_copy(update={"vector_backend": "neo4j"})
    checks = {check.name: check for check in check_indexes(settings, retriever.store)}
    assert checks["chunks"].ok and checks["chunks"].backend == "neo4j"
    assert checks["chunks"].graph == checks["chunks"].index == len(retriever.chunk_index)
    assert checks["entities"].ok and checks["entities"].index == len(retriever.entity_index)


def test_the_settings_choose_the_backend(retriever: Retriever, tmp_path: Path) -> None:
    faiss = retriever.settings.model_copy(update={"data_dir": tmp_path})
    chunks, entities = open_vector_search(faiss, retriever.store)
    assert isinstance(chunks, VectorIndex) and len(chunks) == 0  # a fresh folder: empty FAISS indexes
    neo4j = faiss.model_copy(update={"vector_backend": "neo4j"})
    chunks, entities = open_vector_search(neo4j, retriever.store)
    assert isinstance(chunks, Neo4jVectorSearch) and isinstance(entities, Neo4jVectorSearch)
    assert len(chunks) == len(retriever.chunk_index) and not faiss.index_dir.exists()


def test_an_unknown_backend_is_refused_by_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRELLIS_VECTOR_BACKEND", "milvus")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError) as error:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert "TRELLIS_VECTOR_BACKEND" in str(error.value) and "'faiss' or 'neo4j'" in str(error.value)
    assert Settings(vector_backend="neo4j").vector_backend == "neo4j"


def test_a_routing_uri_works(retriever: Retriever) -> None:
    """A ``neo4j://`` URI gives a routing driver, which sends the searches (reads) to the servers that serve reads."""
    settings = retriever.settings.model_copy(
        update={"neo4j_uri": f"neo4j://127.0.0.1:{retriever.settings.neo4j_bolt_port}"}
    )
    vectors = retriever.embedder.embed(QUESTIONS[:2])
    with GraphStore(settings) as routed:
        found = Neo4jVectorSearch(routed, target="chunks", dimensions=384).search(vectors, TOP)
    assert found == neo4j_search(retriever, "chunks").search(vectors, TOP)
