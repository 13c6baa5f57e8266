"""Document ids do not depend on where a corpus lies: a copy elsewhere has the same ids and ingests as unchanged.

A file's id hashes the folder's name and the file's path below it (a file given on its own: its folder's name and
its file name); graphs built when ids hashed the absolute path are migrated, not duplicated.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from trellis.kg.graph import GraphStore
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.ingest.loaders import LoadFailure, document_id, load_file, load_paths
from trellis.kg.ingest.loaders.base import file_key, legacy_document_id
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import Settings
from trellis.kg.types import Document

Make = Callable[..., IngestPipeline]
LIMIT = 1_000_000


def _write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def _documents(results: Iterable[Document | LoadFailure]) -> list[Document]:
    results = list(results)
    failures = [result for result in results if isinstance(result, LoadFailure)]
    assert not failures, failures
    return [result for result in results if isinstance(result, Document)]


def _ids(results: Iterable[Document | LoadFailure]) -> dict[str, str]:
    """Document id by title."""
    return {document.title: document.id for document in _documents(results)}


def _corpus(root: Path) -> Path:
    """A small corpus: two text files (one in a sub-folder) and a JSONL file, with facts spaCy finds."""
    _write(root / "albania.txt", "Tirana is the capital of Albania. Albania lies in Europe.")
    _write(root / "extra" / "angola.md", "# Angola\n\nLuanda is the capital of Angola.")
    line = {"id": "algeria", "text": "Algiers is the capital of Algeria.", "title": "Algeria"}
    _write(root / "wiki.jsonl", json.dumps(line) + "\n")
    return root


# --- the loaders --------------------------------------------------------------------------------------------------


def test_ids_hash_the_folder_name_and_the_path_below_it(tmp_path: Path) -> None:
    root = _write(tmp_path / "checkout" / "sample" / "extra" / "foo.md", "# Foo\n\nFoo text.").parents[1]
    (document,) = _documents(load_paths([root], max_bytes=LIMIT))
    assert document.id == document_id("sample/extra/foo.md")
    assert document.source == str((root / "extra" / "foo.md").resolve())  # the absolute path stays, for display
    (alone,) = _documents(load_paths([root / "extra" / "foo.md"], max_bytes=LIMIT))
    assert alone.id == document_id("extra/foo.md")  # given on its own: its folder's name and its file name


def test_a_folder_copied_elsewhere_loads_with_the_same_ids(tmp_path: Path) -> None:
    first = _corpus(tmp_path / "one" / "corpus")
    second = tmp_path / "two" / "deeper" / "corpus"
    shutil.copytree(first, second)
    ids = _ids(load_paths([first], max_bytes=LIMIT))
    assert len(ids) == 3
    assert _ids(load_paths([second], max_bytes=LIMIT)) == ids
    assert ids["Algeria"] == "algeria"  # a JSONL document keeps the id its line names
    assert ids["albania"] == document_id("corpus/albania.txt")


def test_a_single_file_id_is_independent_of_its_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Tirana is the capital of Albania."
    here = _write(tmp_path / "a" / "notes" / "albania.txt", text)
    there = _write(tmp_path / "b" / "c" / "notes" / "albania.txt", text)
    (one,) = _documents(load_file(here, max_bytes=LIMIT))
    (two,) = _documents(load_file(there, max_bytes=LIMIT))
    assert one.id == two.id == document_id("notes/albania.txt")
    assert one.source != two.source
    monkeypatch.chdir(tmp_path / "b" / "c" / "notes")
    (relative,) = _documents(load_paths(["albania.txt"], max_bytes=LIMIT))
    assert relative.id == one.id


def test_files_of_one_name_in_different_sub_folders_get_different_ids(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for folder in ("one", "two", "two/deeper"):
        _write(root / folder / "readme.md", "# Read me\n\nThe same text in each folder.")
    documents = _documents(load_paths([root], max_bytes=LIMIT))
    assert [document.id for document in documents] == [
        document_id("corpus/one/readme.md"),
        document_id("corpus/two/readme.md"),
        document_id("corpus/two/deeper/readme.md"),
    ]
    assert len({document.sha256 for document in documents}) == 1


def test_the_current_folder_is_named_by_its_own_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _corpus(tmp_path / "corpus")
    monkeypatch.chdir(root)
    assert _ids(load_paths(["."], max_bytes=LIMIT)) == _ids(load_paths([root], max_bytes=LIMIT))
    assert file_key(Path("extra/angola.md"), root=Path(".")) == "corpus/extra/angola.md"


def test_the_legacy_id_is_the_hash_of_the_absolute_path_and_jsonl_has_none(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "corpus")
    documents = {document.title: document for document in _documents(load_paths([root], max_bytes=LIMIT))}
    albania = documents["albania"]
    assert legacy_document_id(albania) == document_id(str((root / "albania.txt").resolve()))
    assert legacy_document_id(documents["Algeria"]) is None


# --- against the real server --------------------------------------------------------------------------------------


def _graph_ids(store: GraphStore) -> set[str]:
    return {row["id"] for row in store.query("list_documents", skip=0, limit=100)}


def _indexes_agree(settings: Settings, store: GraphStore) -> bool:
    return all(check.ok for check in check_indexes(settings, store))


def test_the_same_folder_in_two_places_ingests_once(
    make_pipeline: Make, tmp_path: Path, ingest_settings: Settings
) -> None:
    first = _corpus(tmp_path / "checkout-a" / "corpus")
    second = tmp_path / "checkout-b" / "elsewhere" / "corpus"
    shutil.copytree(first, second)
    pipeline = make_pipeline()
    report = pipeline.ingest([first])
    assert (report.documents, report.failed) == (3, 0)
    before = graph_fingerprint(pipeline.store)

    again = pipeline.ingest([second])
    assert (again.documents, again.skipped, again.failed) == (0, 3, 0)
    assert graph_fingerprint(pipeline.store) == before
    assert _graph_ids(pipeline.store) == set(_ids(load_paths([second], max_bytes=LIMIT)).values())
    assert _indexes_agree(ingest_settings, pipeline.store)


def _with_legacy_ids(results: Iterator[Document | LoadFailure]) -> Iterator[Document | LoadFailure]:
    """What the loaders gave before ids left the absolute path out: a file's id hashed its absolute path."""
    for result in results:
        if isinstance(result, Document) and result.metadata["format"] != "jsonl":
            result = result.model_copy(update={"id": document_id(result.source)})
        yield result


def test_documents_stored_under_absolute_path_ids_are_replaced_not_duplicated(
    make_pipeline: Make, tmp_path: Path, ingest_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _corpus(tmp_path / "corpus")
    new_ids = set(_ids(load_paths([root], max_bytes=LIMIT)).values())
    pipeline = make_pipeline()

    def legacy_load_paths(*args: Any, **kwargs: Any) -> Iterator[Document | LoadFailure]:
        return _with_legacy_ids(load_paths(*args, **kwargs))

    with monkeypatch.context() as patch:  # an older Trellis built this graph
        patch.setattr("trellis.kg.ingest.pipeline.load_paths", legacy_load_paths)
        pipeline.ingest([root])
    legacy_ids = _graph_ids(pipeline.store)
    assert len(legacy_ids) == 3 and legacy_ids != new_ids and "algeria" in legacy_ids

    migrated = pipeline.ingest([root])
    assert (migrated.documents, migrated.replaced, migrated.skipped, migrated.failed) == (2, 2, 1, 0)
    assert _graph_ids(pipeline.store) == new_ids
    assert pipeline.store.query("graph_counts")[0]["documents"] == 3
    assert _indexes_agree(ingest_settings, pipeline.store)  # the old chunks left FAISS too
    after = graph_fingerprint(pipeline.store)
    assert not any(old in node for old in legacy_ids - new_ids for node in after[0])

    again = pipeline.ingest([root])
    assert (again.documents, again.skipped) == (0, 3)

    pipeline.delete(sorted(new_ids))  # a fresh ingest with the new ids builds exactly the migrated graph
    assert pipeline.store.query("graph_counts")[0]["documents"] == 0
    fresh = pipeline.ingest([root])
    assert (fresh.documents, fresh.replaced) == (3, 0)
    assert graph_fingerprint(pipeline.store) == after
