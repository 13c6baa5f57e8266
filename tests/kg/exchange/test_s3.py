"""``s3://`` exports against moto's S3 server on loopback, credentials checked: out and back in, and the two ways
a bucket goes wrong (missing, refused credentials), each one clear line with nothing written."""

from __future__ import annotations

import boto3
import pytest

from tests.kg.exchange.conftest import Exported
from tests.kg.exchange.s3_server import S3Server
from trellis.kg.errors import StorageError
from trellis.kg.exchange import export_graph, import_graph, open_location
from trellis.kg.graph import GraphStore
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.settings import Settings


def _keys(s3: S3Server) -> list[str]:
    client = boto3.client(
        "s3",
        endpoint_url=s3.endpoint,
        region_name="us-east-1",
        aws_access_key_id=s3.access_key,
        aws_secret_access_key=s3.secret_key,
    )
    return [item["Key"] for item in client.list_objects_v2(Bucket=s3.bucket).get("Contents", [])]


def test_an_export_to_s3_imports_back_to_the_same_graph(
    exported: Exported,
    exchange_store: GraphStore,
    exchange_settings: Settings,
    s3: S3Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    exchange_store.execute("delete_everything")
    import_graph(exchange_store, open_location(str(exported.folder)))
    uri = f"s3://{s3.bucket}/graphs/first"

    manifest = export_graph(exchange_store, open_location(uri))
    keys = _keys(s3)
    assert "graphs/first/trellis-export.json" in keys
    assert not [key for key in keys if ".partial-" in key], "the staging prefix is gone"
    assert {name: files.rows for name, files in manifest.tables.items()} == {
        name: files.rows for name, files in exported.manifest.tables.items()
    }

    exchange_store.execute("delete_everything")
    import_graph(exchange_store, open_location(uri))
    assert graph_fingerprint(exchange_store) == exported.fingerprint
    assert all(check.ok for check in check_indexes(exchange_settings, exchange_store))


def test_a_missing_bucket_is_one_clear_line(
    exchange_store: GraphStore, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    with pytest.raises(StorageError, match="bucket 'no-such-bucket' of s3://no-such-bucket/x does not exist"):
        export_graph(exchange_store, open_location("s3://no-such-bucket/x"))
    with pytest.raises(StorageError, match="does not exist"):
        import_graph(exchange_store, open_location("s3://no-such-bucket/x"))


def test_wrong_credentials_are_one_clear_line_and_write_nothing(
    exchange_store: GraphStore, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _keys(s3)
    for name, value in s3.env(secret_key="not-the-secret").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(StorageError, match="refused the credentials for s3://exports/wrong"):
        export_graph(exchange_store, open_location(f"s3://{s3.bucket}/wrong"))
    with pytest.raises(StorageError, match="refused the credentials"):
        import_graph(exchange_store, open_location(f"s3://{s3.bucket}/graphs/first"))
    assert _keys(s3) == before


def test_an_endpoint_given_explicitly_needs_no_environment_variable(
    exchange_store: GraphStore, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--endpoint-url` reaches the same server; the bucket check answers through it."""
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    location = open_location(f"s3://{s3.bucket}/explicit", endpoint=s3.endpoint)
    location.write_text("probe.txt", "reached")
    assert location.files() == ["probe.txt"] and location.read_text("probe.txt") == "reached"
    with pytest.raises(StorageError, match="does not exist"):
        import_graph(exchange_store, open_location("s3://no-such-bucket/x", endpoint=s3.endpoint))
