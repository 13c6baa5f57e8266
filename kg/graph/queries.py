"""The one loader of Cypher: named queries from ``cypher/queries/*.cypher``, the schema from ``cypher/schema.cypher``.

No other module holds Cypher text. Queries take ``$parameters``; nothing a user types is ever pasted into one.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from trellis.kg.errors import QueryNotFoundError

__all__ = ["load_query", "query_names", "schema_statements"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _cypher_root() -> resources.abc.Traversable:
    return resources.files("trellis.cypher")


@cache
def load_query(name: str) -> str:
    """The text of the named query ``cypher/queries/<name>.cypher``."""
    if not _NAME.match(name):
        raise QueryNotFoundError(f"{name!r} is not a query name (lower_snake_case, as in cypher/queries/)")
    path = _cypher_root() / "queries" / f"{name}.cypher"
    if not path.is_file():
        raise QueryNotFoundError(f"no query {name!r}: expected cypher/queries/{name}.cypher")
    return path.read_text(encoding="utf-8").strip()


def query_names() -> list[str]:
    """Every named query that ships with Trellis."""
    folder = _cypher_root() / "queries"
    return sorted(item.name.removesuffix(".cypher") for item in folder.iterdir() if item.name.endswith(".cypher"))


def _statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [statement.strip() for statement in body.split(";") if statement.strip()]


@cache
def schema_statements() -> tuple[str, ...]:
    """The statements of ``cypher/schema.cypher`` (each idempotent: ``IF NOT EXISTS``)."""
    return tuple(_statements((_cypher_root() / "schema.cypher").read_text(encoding="utf-8")))
