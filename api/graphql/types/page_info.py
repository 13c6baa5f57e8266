"""Relay-style page information."""

from __future__ import annotations

import strawberry

__all__ = ["PageInfo"]


@strawberry.type(description="Where a page of a connection ends, and whether more follow.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
