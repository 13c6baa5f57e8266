"""The GraphQL API: Strawberry schema (types, queries, mutations, subscriptions), limits, DataLoaders, GraphiQL."""

from trellis.api.graphql.router import mount_graphql
from trellis.api.graphql.schema import SCHEMA_FILE, build_schema, schema_sdl

__all__ = ["SCHEMA_FILE", "build_schema", "mount_graphql", "schema_sdl"]
