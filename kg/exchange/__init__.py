"""Parquet out and in: the graph, its embeddings and the training dataset as Parquet tables (docs/exchange.md).

``export_graph`` writes an export to a folder or an ``s3://`` prefix; ``import_graph`` loads one into an empty
database and rebuilds FAISS. pyarrow is the optional ``parquet`` extra: importing this package needs it.
"""

from trellis.kg.exchange.export import export_graph
from trellis.kg.exchange.filesystems import Location, open_location
from trellis.kg.exchange.load import ImportReport, import_graph, read_manifest
from trellis.kg.exchange.manifest import ExportManifest
from trellis.kg.exchange.tables import TABLE_NAMES, Table, table

__all__ = [
    "TABLE_NAMES",
    "ExportManifest",
    "ImportReport",
    "Location",
    "Table",
    "export_graph",
    "import_graph",
    "open_location",
    "read_manifest",
    "table",
]
