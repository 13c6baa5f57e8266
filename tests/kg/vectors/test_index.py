"""The FAISS vector index, with real FAISS: every kind, persistence, corruption, rebuild and the GPU path."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import trellis.kg.vectors
import trellis.kg.vectors.ids
from trellis.kg.errors import VectorIndexError
from trellis.kg.settings import Settings
from trellis.kg.vectors import VectorIndex, gpu_count, hash_id
from trellis.kg.vectors.backends import TOMBSTONE_FRACTION
from trellis.kg.vectors.ids import IdMap
from trellis.kg.vectors.index import gpu_options, to_gpu

DIM = 16
KINDS = ["flat", "hnsw", "ivf"]


def unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def chunk_ids(n: int, start: int = 0) -> list[str]:
    return [f"doc-{i // 10:03d}:{i % 10:05d}" for i in range(start, start + n)]


def make_settings(tmp_path: Path, kind: str = "auto", **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "device": "cpu",
        "embedding_dimensions": DIM,
        "faiss_index_kind": kind,
        "faiss_hnsw_m": 8,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[arg-type]


def filled(tmp_path: Path, kind: str, n: int = 120, **overrides: object) -> tuple[VectorIndex, list[str], np.ndarray]:
    index = VectorIndex(make_settings(tmp_path, kind, **overrides))
    ids, vectors = chunk_ids(n), unit_vectors(n)
    index.add(ids, vectors)
    return index, ids, vectors


def top_ids(index: VectorIndex, vectors: np.ndarray, k: int = 1) -> list[list[str]]:
    return [[id_ for id_, _ in hits] for hits in index.search(vectors, k)]


# --- ids ----------------------------------------------------------------------------------------------------


def test_hash_is_stable_and_non_negative() -> None:
    assert hash_id("doc-abc:00003") == 1511357809588099733  # pinned: saved indexes depend on it
    assert all(0 <= hash_id(s) < 2**63 for s in ["", "é", "doc-abc:00003", "x" * 1000])


def test_hash_collisions_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trellis.kg.vectors.ids, "hash_id", lambda _: 42)
    ids = IdMap()
    ids.add(["first"])
    with pytest.raises(VectorIndexError, match="same FAISS id"):
        ids.add(["second"])
    with pytest.raises(VectorIndexError, match="same FAISS id"):
        IdMap(["x", "y"])


def test_package_exports_are_deliberate() -> None:
    assert sorted(trellis.kg.vectors.__all__) == [
        "Embedder",
        "Neo4jVectorSearch",
        "SearchHit",
        "VectorIndex",
        "VectorSearch",
        "default_model_path",
        "gpu_count",
        "hash_id",
        "open_vector_search",
        "resolve_device",
    ]


# --- every kind ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_add_and_search_find_each_vector_first(tmp_path: Path, kind: str) -> None:
    index, ids, vectors = filled(tmp_path, kind)
    assert index.kind == kind
    assert len(index) == 120
    assert index.ids() == set(ids)
    assert ids[7] in index
    hits = index.search(vectors[:20], 5)
    assert [h[0][0] for h in hits] == ids[:20]
    assert all(len(h) == 5 for h in hits)
    assert hits[0][0][1] == pytest.approx(1.0, abs=1e-5)
    assert all(h[i][1] >= h[i + 1][1] for h in hits for i in range(4))  # best first


@pytest.mark.parametrize("kind", KINDS)
def test_re_adding_an_id_replaces_its_vector(tmp_path: Path, kind: str) -> None:
    index, ids, vectors = filled(tmp_path, kind)
    new = unit_vectors(1, seed=99)
    index.add([ids[3]], new)
    assert len(index) == 120
    assert index.search(new, 1)[0][0] == (ids[3], pytest.approx(1.0, abs=1e-5))
    np.testing.assert_allclose(index.vectors([ids[3]]), new, atol=1e-6)
    assert ids[3] not in top_ids(index, vectors[3:4], 3)[0][:1]  # the old vector is gone


@pytest.mark.parametrize("kind", KINDS)
def test_removed_ids_are_never_returned(tmp_path: Path, kind: str) -> None:
    index, ids, vectors = filled(tmp_path, kind)
    gone = ids[:10]
    assert index.remove([*gone, "doc-unknown:00000"]) == 10
    assert len(index) == 110
    assert index.ids() == set(ids[10:])
    found = {id_ for hits in index.search(vectors, 20) for id_, _ in hits}
    assert found.isdisjoint(gone)
    assert top_ids(index, vectors[10:20]) == [[i] for i in ids[10:20]]
    assert index.remove(gone) == 0


def test_hnsw_filters_tombstones_below_the_rebuild_fraction(tmp_path: Path) -> None:
    index, ids, vectors = filled(tmp_path, "hnsw", n=200)
    gone = ids[: int(200 * TOMBSTONE_FRACTION) - 5]
    index.remove(gone)
    assert index.describe()["tombstones"] == len(gone)  # not yet rebuilt: filtered at search
    found = {id_ for hits in index.search(vectors[: len(gone)], 10) for id_, _ in hits}
    assert found.isdisjoint(gone)
    assert all(len(hits) == 10 for hits in index.search(vectors[:5], 10))
    index.remove(ids[len(gone) : len(gone) + 10])  # past the fraction: compacted by a rebuild
    assert index.describe()["tombstones"] == 0
    assert index.kind == "hnsw"
    assert top_ids(index, vectors[-5:]) == [[i] for i in ids[-5:]]


@pytest.mark.parametrize("kind", KINDS)
def test_save_and_load_round_trip(tmp_path: Path, kind: str) -> None:
    index, ids, vectors = filled(tmp_path, kind)
    index.remove(ids[:5])
    index.add([ids[6]], unit_vectors(1, seed=7))
    before = index.search(vectors, 3)
    index.save()

    loaded = VectorIndex.load(settings=index.settings)
    assert loaded.kind == kind
    assert loaded.ids() == index.ids()
    assert loaded.describe()["tombstones"] == index.describe()["tombstones"]
    after = loaded.search(vectors, 3)
    assert [[i for i, _ in h] for h in after] == [[i for i, _ in h] for h in before]
    np.testing.assert_allclose([[s for _, s in h] for h in after], [[s for _, s in h] for h in before], atol=1e-5)

    loaded.remove(ids[5:10])  # a loaded index keeps working
    loaded.add(["doc-new:00000"], vectors[:1])
    assert top_ids(loaded, vectors[:1]) == [["doc-new:00000"]]


@pytest.mark.parametrize("kind", KINDS)
def test_rebuild_gives_the_same_results(tmp_path: Path, kind: str) -> None:
    index, ids, vectors = filled(tmp_path, kind)
    fresh = VectorIndex(index.settings)
    fresh.rebuild(ids, index.vectors(ids))
    assert fresh.kind == kind
    assert fresh.ids() == index.ids()
    if kind == "flat":  # exact search: identical answers
        assert fresh.search(vectors, 5) == index.search(vectors, 5)
    assert top_ids(fresh, vectors) == top_ids(index, vectors) == [[i] for i in ids]


def test_rebuild_replaces_everything(tmp_path: Path) -> None:
    index, _, _ = filled(tmp_path, "flat")
    index.rebuild(["only:00000"], unit_vectors(1))
    assert index.ids() == {"only:00000"}
    index.rebuild([], np.empty((0, DIM), dtype=np.float32))
    assert len(index) == 0
    assert index.search(unit_vectors(2), 3) == [[], []]


# --- kinds chosen by size -----------------------------------------------------------------------------------


def test_auto_is_flat_up_to_the_limit_then_hnsw(tmp_path: Path) -> None:
    index = VectorIndex(make_settings(tmp_path, "auto", faiss_flat_max=50))
    ids, vectors = chunk_ids(80), unit_vectors(80)
    index.add(ids[:50], vectors[:50])
    assert index.kind == "flat"
    index.add(ids[50:], vectors[50:])
    assert index.kind == "hnsw"
    assert top_ids(index, vectors) == [[i] for i in ids]
    index.remove(ids[:40])  # 40 left: below the limit, above half of it: stays approximate
    assert index.kind == "hnsw"
    index.remove(ids[40:60])  # 20 left
    assert index.kind == "flat"
    assert top_ids(index, vectors[60:]) == [[i] for i in ids[60:]]


def test_ivf_trains_on_its_vectors_and_retrains_as_it_grows(tmp_path: Path) -> None:
    index = VectorIndex(make_settings(tmp_path, "ivf"))
    assert index.kind == "flat"  # nothing to train on yet
    ids, vectors = chunk_ids(200), unit_vectors(200)
    index.add(ids[:20], vectors[:20])
    assert index.kind == "ivf"
    assert index._backend.state(np.empty(0, dtype=np.int64))["trained_on"] == 20
    index.add(ids[20:], vectors[20:])  # 200 > 4 x 20: retrained
    state = index._backend.state(np.empty(0, dtype=np.int64))
    assert state == {"trained_on": 200, "nlist": round(4 * np.sqrt(200))}
    assert top_ids(index, vectors) == [[i] for i in ids]


def test_ivf_list_count_comes_from_settings(tmp_path: Path) -> None:
    index, _, _ = filled(tmp_path, "ivf", faiss_ivf_lists=7)
    assert index._backend.state(np.empty(0, dtype=np.int64))["nlist"] == 7


# --- input checks -------------------------------------------------------------------------------------------


def test_bad_input_is_refused(tmp_path: Path) -> None:
    index = VectorIndex(make_settings(tmp_path, "flat"))
    with pytest.raises(VectorIndexError, match="dimensions"):
        index.add(["a"], np.ones((1, DIM + 1), dtype=np.float32))
    with pytest.raises(ValueError, match="ids and"):
        index.add(["a", "b"], unit_vectors(1))
    with pytest.raises(ValueError, match="twice"):
        index.add(["a", "a"], unit_vectors(2))
    with pytest.raises(ValueError, match="non-empty"):
        index.add([""], unit_vectors(1))
    with pytest.raises(ValueError, match="NaN"):
        index.add(["a"], np.full((1, DIM), np.nan, dtype=np.float32))
    with pytest.raises(ValueError, match="k must"):
        index.search(unit_vectors(1), 0)
    assert len(index) == 0  # nothing half-added


def test_search_edges(tmp_path: Path) -> None:
    index = VectorIndex(make_settings(tmp_path, "flat"))
    assert index.search(unit_vectors(1), 3) == [[]]
    index.add(chunk_ids(2), unit_vectors(2))
    assert len(index.search(unit_vectors(1)[0], 10)[0]) == 2  # one vector as a row; k past the size
    with pytest.raises(VectorIndexError):
        index.search(np.ones(DIM + 2, dtype=np.float32), 1)


# --- on disk ------------------------------------------------------------------------------------------------


def test_loading_a_missing_index_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(VectorIndexError, match="no vector index"):
        VectorIndex.load(tmp_path / "nothing", settings=make_settings(tmp_path))
    assert not VectorIndex.exists(tmp_path / "nothing")
    opened = VectorIndex.open(make_settings(tmp_path))
    assert len(opened) == 0


def saved_version(tmp_path: Path, kind: str = "flat") -> tuple[Settings, Path]:
    index, _, _ = filled(tmp_path, kind, n=30)
    return index.settings, index.save()


def test_a_corrupt_faiss_file_is_a_vector_index_error(tmp_path: Path) -> None:
    settings, version = saved_version(tmp_path)
    data = (version / "index.faiss").read_bytes()
    (version / "index.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(VectorIndexError, match="corrupt"):
        VectorIndex.load(settings=settings)
    (version / "index.faiss").write_bytes(b"garbage")
    with pytest.raises(VectorIndexError, match="corrupt"):
        VectorIndex.load(settings=settings)


def test_a_corrupt_sidecar_is_a_vector_index_error(tmp_path: Path) -> None:
    settings, version = saved_version(tmp_path)
    sidecar = version / "ids.json"
    text = sidecar.read_text()
    sidecar.write_text(text[:-10])
    with pytest.raises(VectorIndexError, match="corrupt"):
        VectorIndex.load(settings=settings)
    sidecar.write_text(text.replace("doc-000:00001", "doc-999:00001"))  # ids that FAISS does not hold
    with pytest.raises(VectorIndexError, match="corrupt"):
        VectorIndex.load(settings=settings)


def test_a_pointer_to_nowhere_is_a_vector_index_error(tmp_path: Path) -> None:
    settings, _ = saved_version(tmp_path)
    (settings.index_dir / "CURRENT").write_text("v999999\n")
    with pytest.raises(VectorIndexError, match="corrupt"):
        VectorIndex.load(settings=settings)


def test_saves_keep_the_live_and_previous_versions(tmp_path: Path) -> None:
    index, ids, _ = filled(tmp_path, "flat", n=30)
    for n in range(4):
        index.remove([ids[n]])
        last = index.save()
    names = sorted(p.name for p in index.folder.iterdir())
    assert names == ["CURRENT", "v000003", "v000004"]
    assert (index.folder / "CURRENT").read_text().strip() == last.name
    assert len(VectorIndex.load(settings=index.settings)) == 26


def test_a_crash_before_the_pointer_moves_leaves_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, ids, vectors = filled(tmp_path, "hnsw", n=30)
    index.save()
    index.remove(ids[:10])
    real_replace = os.replace

    def crash_on_pointer(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "CURRENT":
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_pointer)
    with pytest.raises(OSError, match="power cut"):
        index.save()
    monkeypatch.undo()
    loaded = VectorIndex.load(settings=index.settings)  # the whole old version, not a mix
    assert loaded.ids() == set(ids)
    assert top_ids(loaded, vectors[:3]) == [[i] for i in ids[:3]]
    index.save()  # the next save steps over the orphaned version
    assert VectorIndex.load(settings=index.settings).ids() == set(ids[10:])


# --- GPU ----------------------------------------------------------------------------------------------------


def test_without_gpus_the_index_stays_on_the_cpu(tmp_path: Path) -> None:
    if gpu_count():
        pytest.skip("GPUs are present; test_gpu_search_matches_cpu covers them")
    index, _, _ = filled(tmp_path, "flat", n=10)
    assert to_gpu(index._backend.index) is None
    assert index.describe()["gpus"] == 0


@pytest.mark.skipif(
    gpu_count() == 0,
    reason="needs FAISS with GPU support (faiss-gpu) and a visible GPU; faiss-cpu is installed",
)
@pytest.mark.parametrize("kind", ["flat", "ivf"])
def test_gpu_search_matches_cpu(tmp_path: Path, kind: str) -> None:
    cpu, _, vectors = filled(tmp_path / "cpu", kind)
    gpu, _, _ = filled(tmp_path / "gpu", kind, device="cuda")
    assert gpu.describe()["gpus"] >= 1
    assert gpu._search_copy() is not None
    assert top_ids(gpu, vectors) == top_ids(cpu, vectors)
    if kind == "flat":
        assert top_ids(gpu, vectors, 5) == top_ids(cpu, vectors, 5)


@pytest.mark.skipif(gpu_count() == 0, reason="needs FAISS with GPU support (faiss-gpu) and a visible GPU")
def test_several_gpus_shard_the_index_and_one_holds_it_whole() -> None:
    assert gpu_options(2).shard and gpu_options(4).shard
    assert not gpu_options(1).shard
