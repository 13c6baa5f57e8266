"""The table schemas and the check that refuses a file of another schema (pure: no server)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from trellis.kg.errors import ExportFormatError
from trellis.kg.exchange.manifest import parse_manifest
from trellis.kg.exchange.tables import TABLE_NAMES, check_file_schema, table


def test_every_table_has_its_schema_and_partitions_where_documented() -> None:
    partitions = {name: table(name, dimensions=8).partition for name in TABLE_NAMES}
    assert partitions == {
        "documents": None,
        "chunks": None,
        "entities": "type",
        "mentions": None,
        "relations": "type",
        "training_examples": "split",
    }
    assert table("chunks", dimensions=8).schema.field("embedding").type.list_size == 8
    with pytest.raises(ExportFormatError, match="no table 'nodes'"):
        table("nodes", dimensions=8)


def test_a_file_written_by_another_tool_with_its_own_list_item_names_fits() -> None:
    relations = table("relations", dimensions=8)
    spark_like = pa.schema(
        [
            field
            if not pa.types.is_list(field.type)
            else pa.field(field.name, pa.list_(pa.field("element", pa.string())))
            for field in relations.columns
        ]
    )
    check_file_schema(spark_like, relations, where="r.parquet")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.remove(s.get_field_index("phrase")), "has no column 'phrase'"),
        (lambda s: s.append(pa.field("extra", pa.int8())), "unexpected column 'extra'"),
        (lambda s: s.set(s.get_field_index("confidence"), pa.field("confidence", pa.string())), "is string"),
    ],
)
def test_a_file_of_another_schema_is_refused_with_its_reason(change: object, message: str) -> None:
    relations = table("relations", dimensions=8)
    with pytest.raises(ExportFormatError, match=message):
        check_file_schema(change(relations.columns), relations, where="r.parquet")  # type: ignore[operator]


def test_embeddings_of_another_size_are_another_schema() -> None:
    with pytest.raises(ExportFormatError, match="column 'embedding'"):
        check_file_schema(table("chunks", dimensions=4).columns, table("chunks", dimensions=8), where="c.parquet")


def test_a_manifest_of_a_newer_version_or_another_shape_is_refused() -> None:
    with pytest.raises(ExportFormatError, match="format version 9"):
        parse_manifest('{"version": 9, "created_at": "2026-01-01T00:00:00Z", "embedding_dimensions": 8}', where="m")
    with pytest.raises(ExportFormatError, match="not a Trellis export manifest: embedding_dimensions"):
        parse_manifest('{"created_at": "2026-01-01T00:00:00Z"}', where="m")
