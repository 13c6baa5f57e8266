"""The Trellis GraphQL schema: Query, Mutation and Subscription with the limits of the settings.

``python -m trellis.api.graphql.schema`` writes the SDL to ``api/graphql/schema.graphql`` (a test diffs the two).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig

from trellis.api.graphql.context import OperationScope
from trellis.api.graphql.limits import limit_extensions
from trellis.api.graphql.mutations import Mutation
from trellis.api.graphql.queries import Query
from trellis.api.graphql.subscriptions import Subscription
from trellis.api.graphql.telemetry import OperationMetrics
from trellis.kg.settings import Settings

__all__ = ["SCHEMA_FILE", "build_schema", "schema_sdl"]

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limiters (and, in production, masking and no introspection) of ``settings``."""
    # instances configured from the settings, and a class
    extensions: list[Any] = [*limit_extensions(settings), OperationScope, OperationMetrics]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(batching_config=None),
    )


def schema_sdl() -> str:
    """The schema as SDL text (the same for every settings)."""
    return strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription).as_str() + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(schema_sdl(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_FILE}\n")
