"""Export then import into an empty database gives the same graph, FAISS agrees with it, and DuckDB reads the
export as it is; on the real test server with the real models."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.kg.exchange.conftest import Exported
from trellis.kg.errors import DatabaseNotEmptyError, ExchangeError
from trellis.kg.exchange import import_graph, open_location
from trellis.kg.graph import GraphStore
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.settings import Settings


def test_the_export_holds_every_table_and_a_manifest_written_last(exported: Exported) -> None:
    tables = exported.manifest.tables
    assert set(tables) == {"documents", "chunks", "entities", "mentions", "relations"}
    assert tables["documents"].rows == 4
    assert all(tables[name].rows > 0 for name in tables)
    assert (exported.folder / "trellis-export.json").is_file()
    assert any(path.parent.name.startswith("type=") for path in (exported.folder / "relations").rglob("*.parquet"))
    assert not list(exported.folder.parent.glob("*.partial-*")), "the staging folder is gone"


def test_duckdb_reads_the_export_as_it_is(exported: Exported) -> None:
    root = exported.folder
    with duckdb.connect() as db:
        chunks, width = db.execute(
            f"SELECT count(*), max(len(embedding)) FROM read_parquet('{root}/chunks/*.parquet')"
        ).fetchone() or (0, 0)
        assert chunks == exported.manifest.tables["chunks"].rows and width == 384
        relations = db.execute(
            f"SELECT type, count(*) FROM read_parquet('{root}/relations/*/*.parquet', hive_partitioning = true) "
            "GROUP BY type"
        ).fetchall()
        assert sum(count for _, count in relations) == exported.manifest.tables["relations"].rows
        assert all(kind.isupper() for kind, _ in relations)
        joined = db.execute(
            f"SELECT count(*) FROM read_parquet('{root}/mentions/*.parquet') m "
            f"JOIN read_parquet('{root}/entities/*/*.parquet', hive_partitioning = true) e ON m.entity_id = e.id"
        ).fetchone()
        assert joined == (exported.manifest.tables["mentions"].rows,)


def test_import_into_an_empty_database_gives_the_same_graph_and_faiss_agrees(
    exported: Exported, exchange_store: GraphStore, exchange_settings: Settings
) -> None:
    exchange_store.execute("delete_everything")
    report = import_graph(exchange_store, open_location(str(exported.folder)))
    assert graph_fingerprint(exchange_store) == exported.fingerprint
    assert report.vectors["chunks"] == exported.manifest.tables["chunks"].rows
    assert all(check.ok for check in check_indexes(exchange_settings, exchange_store))

    with pytest.raises(DatabaseNotEmptyError, match="not empty"):
        import_graph(exchange_store, open_location(str(exported.folder)))
    import_graph(exchange_store, open_location(str(exported.folder)), resume=True)  # every write a MERGE
    assert graph_fingerprint(exchange_store) == exported.fingerprint


def test_an_export_refuses_a_folder_that_holds_files(exported: Exported, exchange_store: GraphStore) -> None:
    with pytest.raises(ExchangeError, match="already holds files"):
        from trellis.kg.exchange import export_graph

        export_graph(exchange_store, open_location(str(exported.folder)))


def test_a_missing_export_is_one_clear_error(exchange_store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match="holds no Trellis export"):
        import_graph(exchange_store, open_location(str(tmp_path)))


def _table(root: Path, name: str, keys: list[str]) -> list[dict[str, object]]:
    import pyarrow.dataset as ds

    rows = ds.dataset(root / name, format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(rows, key=lambda row: tuple(str(row[key]) for key in keys))


def test_an_imported_graph_exports_the_very_same_tables(
    exported: Exported, exchange_store: GraphStore, tmp_path: Path
) -> None:
    """Beyond the fingerprint: every property, embedding and timestamp survives the round trip."""
    from trellis.kg.exchange import export_graph

    exchange_store.execute("delete_everything")
    import_graph(exchange_store, open_location(str(exported.folder)))
    again = export_graph(exchange_store, open_location(str(tmp_path / "again")))
    keys = {
        "documents": ["id"],
        "chunks": ["id"],
        "entities": ["id"],
        "mentions": ["chunk_id", "entity_id", "start"],
        "relations": ["subject_id", "type", "object_id"],
    }
    for name, key in keys.items():
        assert again.tables[name].rows == exported.manifest.tables[name].rows, name
        assert _table(tmp_path / "again", name, key) == _table(exported.folder, name, key), name
