"""Scopes as Strawberry permissions: ``read`` for queries and subscriptions, ``write`` for mutations.

Over HTTP a request without a valid key never reaches these (the context getter answers 401); a read key on a
mutation gets a GraphQL error and HTTP status 403.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from trellis.api.graphql.context import TrellisInfo

__all__ = ["ReadScope", "WriteScope"]


class ReadScope(BasePermission):
    """The caller's key grants ``read``."""

    message = "an API key with the 'read' scope is required"

    def has_permission(self, source: Any, info: TrellisInfo, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.allows("read")


class WriteScope(BasePermission):
    """The caller's key grants ``write`` (ingest, delete)."""

    message = "this API key lacks the 'write' scope that mutations need"

    def has_permission(self, source: Any, info: TrellisInfo, **kwargs: Any) -> bool:
        principal = info.context.principal
        allowed = principal is not None and principal.allows("write")
        response = info.context.response
        if not allowed and response is not None:
            response.status_code = 403
        return allowed
