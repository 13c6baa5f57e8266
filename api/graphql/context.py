"""The context of one GraphQL operation: the app's state, who is calling, the request id and the DataLoaders.

Strawberry makes one context per HTTP request but only one per WebSocket, shared by every operation the socket
runs. DataLoaders cache what they read, so they must not live as long as a socket: :class:`OperationScope` gives
each operation (a query, a mutation, one subscription) its own, in a context variable of the operation's task, and
:attr:`Context.loaders` reads them from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar

from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from trellis.api.auth import Principal, authenticate_headers
from trellis.api.disclosure import shows_internals
from trellis.api.errors import AuthenticationError
from trellis.api.graphql.dataloaders import Loaders
from trellis.api.state import AppState
from trellis.kg.settings import Settings

__all__ = ["Context", "OperationScope", "TrellisInfo", "get_context"]


class _Operation:
    """What belongs to one operation: its DataLoaders, made on first use (most operations need none)."""

    loaders: Loaders | None = None


_OPERATION: ContextVar[_Operation | None] = ContextVar("trellis_graphql_operation", default=None)


class OperationScope(SchemaExtension):
    """A fresh :class:`_Operation` for every operation, seen by all its resolvers (child tasks share the object)."""

    def on_operation(self) -> Iterator[None]:
        _OPERATION.set(_Operation())
        yield
        _OPERATION.set(None)


class Context(BaseContext):
    """What every resolver sees as ``info.context``."""

    def __init__(self, state: AppState, principal: Principal | None, *, request_id: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.principal = principal  # None: a WebSocket that has not authenticated yet (connection_init decides)
        self.request_id = request_id

    @property
    def loaders(self) -> Loaders:
        """This operation's DataLoaders; outside an operation (no :class:`OperationScope`), loaders for this call
        only, so nothing is ever cached past an operation."""
        operation = _OPERATION.get()
        if operation is None:
            return Loaders.for_state(self.state)
        if operation.loaders is None:
            operation.loaders = Loaders.for_state(self.state)
        return operation.loaders

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def shows_internals(self) -> bool:
        """Whether this caller may see server paths and the Neo4j Browser link (api/disclosure.py)."""
        return shows_internals(self.state.settings, self.principal)


TrellisInfo = Info[Context, None]


async def get_context(connection: HTTPConnection) -> Context:
    """Authenticate the caller (FastAPI dependency of the GraphQL routes).

    HTTP requests without a valid key end here with 401. A WebSocket may instead send its key in the
    ``connection_init`` payload, so its context starts unauthenticated and ``on_ws_connect`` decides.
    """
    state: AppState = connection.app.state.trellis
    headers = {key.lower(): value for key, value in connection.headers.items()}
    request_id = connection.scope.get("state", {}).get("request_id")
    try:
        principal: Principal | None = authenticate_headers(headers, state.settings)
    except AuthenticationError:
        if connection.scope["type"] != "websocket":
            raise  # the app's ApiError handler answers 401
        principal = None
    return Context(state, principal, request_id=request_id)
