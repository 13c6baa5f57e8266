"""A Relay-style page of entities."""

from __future__ import annotations

import base64
import binascii

import strawberry

from trellis.api.errors import InvalidArgumentError
from trellis.api.graphql.types.entity import Entity
from trellis.api.graphql.types.page_info import PageInfo

__all__ = ["EntityConnection", "EntityEdge", "decode_cursor", "encode_cursor"]

_PREFIX = "entity:"


def encode_cursor(entity_id: str) -> str:
    """An opaque cursor after ``entity_id``."""
    return base64.urlsafe_b64encode((_PREFIX + entity_id).encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    """The entity id of a cursor (None: from the start); InvalidArgumentError for a cursor this API did not make."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidArgumentError("'after' is not a cursor of this API: pass pageInfo.endCursor") from None
    if not text.startswith(_PREFIX):
        raise InvalidArgumentError("'after' is not a cursor of this API: pass pageInfo.endCursor")
    return text.removeprefix(_PREFIX)


@strawberry.type(description="An entity of a page, with its cursor.")
class EntityEdge:
    node: Entity
    cursor: str


@strawberry.type(description="A page of entities ordered by id.")
class EntityConnection:
    edges: list[EntityEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_domain(cls, entities: list[Entity], *, has_next_page: bool, total_count: int) -> EntityConnection:
        edges = [EntityEdge(node=entity, cursor=encode_cursor(str(entity.id))) for entity in entities]
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=has_next_page, end_cursor=edges[-1].cursor if edges else None),
            total_count=total_count,
        )
