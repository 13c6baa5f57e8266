"""The embedder, with the real packaged all-MiniLM-L6-v2 on the CPU (loading it takes ~10-30 s: ``slow``)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from trellis.kg.errors import ModelError
from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder, default_model_path, resolve_device
from trellis.kg.vectors.cache import EmbeddingCache


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(Settings(_env_file=None, device="cpu", embedding_batch_size=2))


@pytest.mark.slow
def test_packaged_model_is_the_default(embedder: Embedder) -> None:
    assert embedder.model_path == str(default_model_path())
    assert embedder.dimensions == 384
    assert embedder.device == "cpu"
    assert embedder.max_seq_length == 256
    assert embedder.max_text_tokens == 254  # [CLS] and [SEP] take two


@pytest.mark.slow
def test_embed_gives_unit_float32_rows_in_input_order(embedder: Embedder) -> None:
    texts = ["short", "a much longer sentence than the first one, so the order changes", "mid length text"]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Batching and sorting by length must not change any text's vector.
    for text, vector in zip(texts, vectors, strict=True):
        np.testing.assert_allclose(embedder.embed_one(text), vector, atol=1e-5)


@pytest.mark.slow
def test_similar_sentences_are_closer_than_unrelated_ones(embedder: Embedder) -> None:
    cat, kitten, revenue = embedder.embed(
        [
            "The cat sat on the mat.",
            "A kitten was resting on the rug.",
            "Quarterly revenue rose by five percent.",
        ]
    )
    assert float(cat @ kitten) > float(cat @ revenue) + 0.3


@pytest.mark.slow
def test_progress_is_reported_per_batch(embedder: Embedder) -> None:
    calls: list[tuple[int, int]] = []
    embedder.embed(["one", "two", "three", "four", "five"], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5), (5, 5)]


@pytest.mark.slow
def test_no_texts_give_an_empty_array(embedder: Embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_a_bare_string_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("not a list")  # type: ignore[arg-type]


@pytest.mark.slow
def test_count_tokens_uses_the_model_tokenizer(embedder: Embedder) -> None:
    assert embedder.count_tokens("") == 0
    assert embedder.count_tokens("Hello world") == 2
    assert embedder.count_tokens("unbelievably") > 1  # word pieces, not words
    long_text = "word " * 1000
    assert embedder.count_tokens(long_text) == 1000  # counted in full, past the model's limit


@pytest.mark.slow
def test_token_spans_point_into_the_text(embedder: Embedder) -> None:
    text = "Trellis reads documents."
    spans = embedder.token_spans(text)
    assert len(spans) == embedder.count_tokens(text)
    assert spans[0][0] == 0
    assert spans[-1] == (len(text) - 1, len(text))  # the full stop
    assert all(start < end for start, end in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert text[spans[1][0] : spans[1][1]] != ""


def test_a_missing_model_path_names_the_path_and_the_setting(tmp_path: Path) -> None:
    missing = tmp_path / "no-model-here"
    with pytest.raises(ModelError) as caught:
        Embedder(Settings(_env_file=None, device="cpu", embedding_model=str(missing)))
    assert str(missing) in str(caught.value)
    assert "TRELLIS_EMBEDDING_MODEL" in str(caught.value)


@pytest.mark.slow
def test_a_broken_model_folder_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ModelError) as caught:
        Embedder(Settings(_env_file=None, device="cpu"), model=tmp_path)
    assert str(tmp_path) in str(caught.value)
    assert "TRELLIS_EMBEDDING_MODEL" in str(caught.value)


def test_device_defaults_to_what_is_present() -> None:
    assert resolve_device("cpu") == "cpu"
    assert resolve_device(None) in {"cpu", "cuda"}


def test_concurrent_small_calls_share_model_batches_and_match_single_calls(embedder: Embedder) -> None:
    questions = [f"What is the capital of country number {i}?" for i in range(24)]
    alone = np.stack([embedder.embed([q])[0] for q in questions])
    before = embedder._coalesce.batches
    barrier = threading.Barrier(len(questions))

    def ask(i: int) -> np.ndarray:
        barrier.wait()
        return embedder.embed([questions[i], "Albania"])

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        together = list(pool.map(ask, range(len(questions))))
    assert np.allclose(np.stack([rows[0] for rows in together]), alone, atol=1e-5)
    assert all(np.allclose(rows[1], together[0][1], atol=1e-5) for rows in together)
    assert embedder._coalesce.batches - before < len(questions)  # some callers were served by another's batch


@pytest.mark.slow
def test_embed_queries_matches_embed_and_remembers_a_bounded_number(embedder: Embedder) -> None:
    texts = ["What is the capital of Albania?", "Who taught Aristotle?", "What is the capital of Albania?"]
    embedder.query_cache = EmbeddingCache(2)
    first = embedder.embed_queries(texts)
    assert np.allclose(first, embedder.embed(texts), atol=1e-6) and np.array_equal(first[0], first[2])
    assert len(embedder.query_cache) == 2
    again = embedder.embed_queries(texts[:2])
    assert np.array_equal(again, first[:2]) and embedder.query_cache.hits >= 2
    again[0] = 0.0  # the caller owns its array: the cache is not changed through it
    assert np.array_equal(embedder.embed_queries(texts[:1])[0], first[0])
    embedder.embed_queries(["Where was Albert Einstein born?"])
    assert len(embedder.query_cache) == 2  # bounded: the least recently used went
    with pytest.raises(TypeError):
        embedder.embed_queries("one text")  # type: ignore[arg-type]
    embedder.query_cache = EmbeddingCache(0)  # off: the same vectors, nothing kept
    assert np.allclose(embedder.embed_queries(texts), first, atol=1e-6) and len(embedder.query_cache) == 0
