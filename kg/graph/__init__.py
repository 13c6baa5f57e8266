"""Neo4j: the local server, the store, named queries and the schema."""

from kg.graph.queries import load_query, query_names, schema_statements
from kg.graph.schema import apply_schema, describe_schema
from kg.graph.server import LocalServer, StartResult
from kg.graph.store import GraphStore, Record

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
