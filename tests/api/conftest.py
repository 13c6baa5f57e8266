"""API fixtures: the real app over the retrieval corpus, served over HTTP on a free port for the module's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ensure_retrieval_corpus
from tests.support_api import API_KEYS, serving
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever


@pytest.fixture(scope="module")
def api_settings(retrieval_settings: Settings) -> Settings:
    """The retrieval corpus's settings with a read key and a write key, and the MCP write tools on."""
    return retrieval_settings.model_copy(update={"api_keys": API_KEYS, "mcp_write_tools": True})


@pytest.fixture(scope="module")
def api_url(api_settings: Settings, session_retriever: Retriever, retrieval_corpus: Path) -> Iterator[str]:
    """Base URL of the running API (``http://127.0.0.1:PORT``), answering with the session's retriever over its
    corpus (ingested again first if an earlier module emptied the graph)."""
    from trellis.api.app import create_app

    ensure_retrieval_corpus(session_retriever, retrieval_corpus)
    with serving(create_app(api_settings, retriever=session_retriever)) as url:
        yield url
