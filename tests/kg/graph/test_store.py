"""The store against the real server: named queries, batched writes, transactions, translated errors."""

from __future__ import annotations

import pytest
from neo4j import exceptions as neo4j_errors
from pydantic import SecretStr

from tests.support import free_port
from trellis.kg.errors import Neo4jAuthError, Neo4jUnavailableError, QueryError
from trellis.kg.graph import GraphStore
from trellis.kg.graph.store import retryable
from trellis.kg.settings import Settings


def _document(document_id: str | None) -> dict[str, object]:
    return {
        "id": document_id,
        "source": f"/corpus/{document_id}.txt",
        "title": f"Title of {document_id}",
        "sha256": "0" * 64,
        "ingested_at": "2026-11-29T12:00:00+00:00",
        "metadata": {"format": "txt"},
    }


def test_batched_writes_land_in_several_transactions(empty_graph: GraphStore) -> None:
    rows = [_document(f"doc-{i}") for i in range(25)]
    written = empty_graph.write_batches("upsert_documents", rows, batch_size=10)
    assert written == 25
    assert empty_graph.query("graph_counts")[0]["documents"] == 25


def test_transaction_is_all_or_nothing(empty_graph: GraphStore) -> None:
    good = ("upsert_documents", {"rows": [_document("kept-out")]})
    bad = ("upsert_documents", {"rows": [_document(None)]})  # MERGE on a null id fails
    with pytest.raises(QueryError):
        empty_graph.write_transaction([good, bad])
    assert empty_graph.query("graph_counts")[0]["documents"] == 0


def test_wrong_password_is_an_auth_error(neo4j_settings: Settings) -> None:
    wrong = neo4j_settings.model_copy(update={"neo4j_password": SecretStr("not-the-password")})
    with GraphStore(wrong) as store, pytest.raises(Neo4jAuthError, match="NEO4J_PASSWORD"):
        store.verify()


def test_unreachable_server_is_unavailable(neo4j_settings: Settings) -> None:
    nowhere = neo4j_settings.model_copy(update={"neo4j_bolt_port": free_port(), "neo4j_max_retry_s": 1.0})
    with GraphStore(nowhere) as store, pytest.raises(Neo4jUnavailableError, match="trellis neo4j start"):
        store.verify()
    with GraphStore(nowhere) as store, pytest.raises(Neo4jUnavailableError):
        store.query("graph_counts")


def test_a_transaction_past_its_timeout_is_stopped_by_the_server(neo4j_settings: Settings) -> None:
    bounded = neo4j_settings.model_copy(update={"neo4j_read_timeout_s": 1.0, "neo4j_write_timeout_s": 1.0})
    with GraphStore(bounded) as store:
        with pytest.raises(QueryError, match=r"(?i)timed? ?out|terminated"):
            store.run_text("CALL apoc.util.sleep(20000) RETURN 1 AS one")
        with pytest.raises(QueryError, match=r"(?i)timed? ?out|terminated"):
            store.run_text("CALL apoc.util.sleep(20000) RETURN 1 AS one", write=True)
        assert store.run_text("RETURN 1 AS one") == [{"one": 1}], "quick work still runs"


def test_records_come_back_as_plain_dicts_nodes_included(empty_graph: GraphStore) -> None:
    vector = [0.25] * 384
    rows = empty_graph.run_text(
        "CREATE (d:Document {id: 'as-dict', title: 'T'}) "
        "RETURN $vector AS vector, [{id: d.id}] AS maps, d AS node, [d] AS nodes, 'x' AS text",
        {"vector": vector},
        write=True,
    )
    assert rows == [
        {
            "vector": vector,
            "maps": [{"id": "as-dict"}],
            "node": {"id": "as-dict", "title": "T"},
            "nodes": [{"id": "as-dict", "title": "T"}],
            "text": "x",
        }
    ]


def test_a_commit_of_unknown_outcome_is_not_run_again() -> None:
    assert retryable(neo4j_errors.ServiceUnavailable("connection lost before the query ran"))
    assert retryable(neo4j_errors.SessionExpired("the session expired"))
    assert not retryable(neo4j_errors.IncompleteCommit("connection lost during commit"))
    assert not retryable(neo4j_errors.ClientError("a syntax error"))
