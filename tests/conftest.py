"""Test session set-up: one real Neo4j server of our own, on free ports, in a temporary home.

The server is the same local server `trellis neo4j start` runs (same distribution, same launcher); only its ports,
home and memory differ, so tests never touch a developer's database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kg.graph import GraphStore, LocalServer, apply_schema
from kg.settings import Settings
from tests.support import free_port

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the test server, started once for the whole session and stopped at its end."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("trellis-data"),
        neo4j_uri=None,
        neo4j_password=None,
        neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(),
        neo4j_heap="1g",
        neo4j_pagecache="512m",
    )
    server = LocalServer(settings)
    server.start()
    try:
        yield settings
    finally:
        server.stop()


@pytest.fixture(scope="session")
def store(neo4j_settings: Settings) -> Iterator[GraphStore]:
    """A store on the test server with the schema applied."""
    with GraphStore(neo4j_settings) as graph_store:
        apply_schema(graph_store)
        yield graph_store


@pytest.fixture
def empty_graph(store: GraphStore) -> GraphStore:
    """The test store with every node and relationship removed (the schema stays)."""
    store.execute("delete_everything")
    return store
