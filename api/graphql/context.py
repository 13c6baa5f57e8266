"""The context of one GraphQL operation: the app's state, who is calling, the request id and the DataLoaders."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from api.auth import Principal, authenticate_headers
from api.errors import AuthenticationError
from api.graphql.dataloaders import Loaders
from api.state import AppState
from kg.settings import Settings

__all__ = ["Context", "TrellisInfo", "get_context"]


class Context(BaseContext):
    """What every resolver sees as ``info.context``."""

    def __init__(self, state: AppState, principal: Principal | None, *, request_id: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.principal = principal  # None: a WebSocket that has not authenticated yet (connection_init decides)
        self.request_id = request_id
        self._loaders: Loaders | None = None

    @property
    def loaders(self) -> Loaders:
        """This operation's DataLoaders, made on first use (most operations, such as ``search``, need none)."""
        if self._loaders is None:
            self._loaders = Loaders.for_state(self.state)
        return self._loaders

    @property
    def settings(self) -> Settings:
        return self.state.settings


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
