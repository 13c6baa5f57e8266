"""Neo4j: the local server, the store, named queries and the schema."""

from trellis.kg.graph.queries import load_query, query_names, schema_statements
from trellis.kg.graph.schema import apply_schema, describe_schema
from trellis.kg.graph.server import LocalServer, StartResult
from trellis.kg.graph.store import GraphStore, Record

__all__ = [
    "GraphStore",
    "LocalServer",
    "Record",
    "StartResult",
    "apply_schema",
    "describe_schema",
    "load_query",
    "query_names",
    "schema_statements",
]
