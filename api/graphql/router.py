"""Mounting GraphQL on the app: the Strawberry router at /graphql (HTTP and graphql-transport-ws) and GraphiQL.

WebSocket clients authenticate with the same headers as HTTP, or in the ``connection_init`` payload
(``{"Authorization": "Bearer KEY"}``, ``{"X-API-Key": "KEY"}`` or ``{"headers": {...}}``); a socket without a
valid key, or past its key's bound on open sockets (api/sockets.py), is closed with 4403 before any operation runs.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from trellis.api.auth import authenticate_headers
from trellis.api.errors import AuthenticationError
from trellis.api.graphql.context import Context, get_context
from trellis.api.graphql.graphiql import mount_graphiql
from trellis.api.graphql.schema import build_schema
from trellis.api.state import AppState

__all__ = ["TrellisGraphQLRouter", "mount_graphql"]


def _headers_from(params: Any) -> dict[str, str]:
    if not isinstance(params, dict):
        return {}
    nested = params.get("headers")
    source: dict[Any, Any] = nested if isinstance(nested, dict) else params
    return {str(key).lower(): value for key, value in source.items() if isinstance(value, str)}


class TrellisGraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's FastAPI router, with the WebSocket handshake checking the API key, and malformed requests (no
    query, a query that is not a string, a batch, a body that is not JSON) answered as GraphQL-over-HTTP JSON errors
    rather than Strawberry's plain text."""

    async def run(
        self, request: Request | WebSocket, context: Context | UnsetType = UNSET, root_value: None = UNSET
    ) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)  # type: ignore[arg-type]
        except HTTPException as exc:
            if isinstance(request, WebSocket):
                raise
            return JSONResponse({"errors": [{"message": exc.reason}]}, status_code=exc.status_code)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        if context.principal is None:
            headers = _headers_from(context.connection_params)
            if "apikey" in headers:
                headers.setdefault("x-api-key", headers["apikey"])
            try:
                context.principal = authenticate_headers(headers, context.state.settings)
            except AuthenticationError as exc:
                raise ConnectionRejectionError({"message": str(exc)}) from None
        limit, socket = context.state.sockets, context.request
        if socket is None or not limit.claim(socket.scope, context.principal.key_id):
            raise ConnectionRejectionError(
                {"message": f"this API key has {limit.per_key} sockets open already; close one first"}
            )
        return UnsetType()  # UNSET itself (a singleton), typed: strawberry declares UNSET as Any; no ack payload


def mount_graphql(app: FastAPI, state: AppState) -> None:
    """Add /graphql (and GraphiQL, outside production) to ``app``."""
    settings = state.settings
    if not settings.api_production:
        mount_graphiql(app)
    router = TrellisGraphQLRouter(
        build_schema(settings),
        context_getter=get_context,
        graphql_ide=None,  # GraphiQL is served by mount_graphiql from local files (no CDN)
        allow_queries_via_get=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        max_subscriptions_per_connection=settings.api_max_subscriptions,
    )
    app.include_router(router, prefix="/graphql")
