"""Bad input is one clear error and writes nothing: a Parquet file of another schema, a file that is no Parquet,
embeddings of another size, an export that fails half-way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.kg.exchange.conftest import Exported
from trellis.kg.errors import ExportFormatError, QueryError
from trellis.kg.exchange import export_graph, import_graph, open_location
from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings

EMPTY = {"documents": 0, "chunks": 0, "entities": 0, "relationships": 0}


def _copy(exported: Exported, tmp_path: Path) -> Path:
    return Path(shutil.copytree(exported.folder, tmp_path / "copy"))


def test_a_file_of_another_schema_is_refused_before_anything_is_written(
    exported: Exported, exchange_store: GraphStore, tmp_path: Path
) -> None:
    copy = _copy(exported, tmp_path)
    chunks = copy / exported.manifest.tables["chunks"].files[0]
    table = pq.read_table(chunks)
    pq.write_table(table.set_column(2, "index", table.column("index").cast(pa.string())), chunks)
    exchange_store.execute("delete_everything")

    with pytest.raises(ExportFormatError, match=r"is not a Trellis chunks table: column 'index' is string"):
        import_graph(exchange_store, open_location(str(copy)))
    assert exchange_store.query("graph_counts")[0] == EMPTY


def test_a_missing_column_and_a_file_that_is_no_parquet_are_refused(
    exported: Exported, exchange_store: GraphStore, tmp_path: Path
) -> None:
    copy = _copy(exported, tmp_path)
    mentions = copy / exported.manifest.tables["mentions"].files[0]
    pq.write_table(pq.read_table(mentions).drop_columns(["surface"]), mentions)
    exchange_store.execute("delete_everything")
    with pytest.raises(ExportFormatError, match="has no column 'surface'"):
        import_graph(exchange_store, open_location(str(copy)))

    mentions.write_bytes(b"not parquet at all")
    with pytest.raises(ExportFormatError, match="is not a Parquet file"):
        import_graph(exchange_store, open_location(str(copy)))
    assert exchange_store.query("graph_counts")[0] == EMPTY


def test_embeddings_of_another_size_are_refused(
    exported: Exported, exchange_settings: Settings, tmp_path: Path
) -> None:
    other = exchange_settings.model_copy(update={"embedding_dimensions": 768})
    with GraphStore(other) as store, pytest.raises(ExportFormatError, match="384 dimensions and the settings say 768"):
        import_graph(store, open_location(str(exported.folder)))


def test_an_export_that_fails_half_way_leaves_nothing(
    exported: Exported, exchange_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trellis.kg.exchange import export as export_module

    exchange_store.execute("delete_everything")
    import_graph(exchange_store, open_location(str(exported.folder)))
    real = export_module.graph_batches

    def failing(store: GraphStore, table: object) -> object:
        if getattr(table, "name", "") == "mentions":
            raise QueryError("the server went away")
        return real(store, table)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "graph_batches", failing)
    with pytest.raises(QueryError):
        export_graph(exchange_store, open_location(str(tmp_path / "out")))
    assert sorted(path.name for path in tmp_path.iterdir()) == [], "no export and no staging folder"
