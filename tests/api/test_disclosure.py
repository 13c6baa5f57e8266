"""What callers learn about the server: a document's path and the Neo4j Browser link (with the Bolt URI) reach the
operator in development only; read keys, and everyone in production, get the file's name and no link. Over real
HTTP against the real graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

import pytest

from tests.support_api import READ_KEY, WRITE_KEY, serving
from tests.support_graphql import data
from trellis.api.app import create_app
from trellis.api.disclosure import public_source
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

DOCUMENTS = "{ documents(first: 100) { id source } }"
ASK = '{ ask(question: "What is the capital of Albania?", options: {k: 3}) { answerable browserUrl } }'


@pytest.fixture(scope="module")
def production_url(api_settings: Settings, session_retriever: Retriever) -> Iterator[str]:
    app = create_app(api_settings.model_copy(update={"api_production": True}), retriever=session_retriever)
    with serving(app) as url:
        yield url


def _stored_paths(url: str) -> dict[str, str]:
    """Each document's source as the operator sees it in development: the path it was read from."""
    documents = data(url, DOCUMENTS, key=WRITE_KEY)["documents"]
    paths = {d["id"]: d["source"] for d in documents if d["source"] and "/" in d["source"]}
    assert paths, "the corpus was read from files"
    return paths


def test_the_operator_sees_paths_and_the_browser_link_in_development(api_url: str) -> None:
    assert all(PurePath(path).is_absolute() for path in _stored_paths(api_url).values())
    answer = data(api_url, ASK, key=WRITE_KEY)["ask"]
    assert answer["answerable"] and "bolt" in answer["browserUrl"]


def test_a_read_key_sees_file_names_and_no_browser_link(api_url: str) -> None:
    paths = _stored_paths(api_url)
    shown = {d["id"]: d["source"] for d in data(api_url, DOCUMENTS, key=READ_KEY)["documents"]}
    for document_id, path in paths.items():
        assert shown[document_id] == PurePath(path).name
    answer = data(api_url, ASK, key=READ_KEY)["ask"]
    assert answer["answerable"] and answer["browserUrl"] is None


def test_production_shows_no_path_or_address_even_to_a_write_key(api_url: str, production_url: str) -> None:
    paths = _stored_paths(api_url)
    one = next(iter(paths))
    query = (
        'query($id: ID!) { document(id: $id) { source } search(text: "Tirana", k: 3) '
        "{ chunk { document { source } } } }"
    )
    found = data(production_url, query, {"id": one}, key=WRITE_KEY)
    assert found["document"]["source"] == PurePath(paths[one]).name
    assert all("/" not in (hit["chunk"]["document"]["source"] or "") for hit in found["search"])
    assert data(production_url, ASK, key=WRITE_KEY)["ask"]["browserUrl"] is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("/srv/trellis/corpus/albania.md", "albania.md"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("file:///srv/x/report.pdf", "report.pdf"),
        ("https://example.org/wiki/Albania", "https://example.org/wiki/Albania"),
        ("api", "api"),
        (None, None),
    ],
)
def test_a_public_source_is_a_file_name_or_a_web_address(stored: str | None, shown: str | None) -> None:
    assert public_source(stored) == shown
