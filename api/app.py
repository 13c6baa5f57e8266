"""The FastAPI app factory: one app per settings, every door of Trellis mounted on it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.routing import Route

from trellis.api.chat import router as chat_router
from trellis.api.chat.feedback_routes import router as chat_feedback_router
from trellis.api.errors import ApiError, error_headers
from trellis.api.graphql import mount_graphql
from trellis.api.health import router as health_router
from trellis.api.loop_lag import GcPauses, LoopLagMonitor
from trellis.api.mcp import McpHttp, mcp_http
from trellis.api.middleware import RequestMiddleware
from trellis.api.origin_guard import OriginGuard, allowed_hosts
from trellis.api.sockets import SocketLimitMiddleware
from trellis.api.state import AppState
from trellis.kg.errors import ConfigurationError
from trellis.kg.settings import Settings
from trellis.kg.version import VERSION
from trellis.retrieval import Retriever

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def _check_auth_settings(settings: Settings) -> None:
    if not settings.api_keys and not settings.api_auth_disabled:
        raise ConfigurationError(
            'the API has no keys: set TRELLIS_API_KEYS=\'{"a-long-secret": "write"}\' '
            "(or TRELLIS_API_AUTH_DISABLED=true for local use only)"
        )
    if settings.api_production and settings.api_auth_disabled:
        raise ConfigurationError("TRELLIS_API_AUTH_DISABLED cannot be used with TRELLIS_API_PRODUCTION")


def create_app(settings: Settings, *, retriever: Retriever | None = None) -> FastAPI:
    """The Trellis API for ``settings``; ``retriever`` (optional) is used instead of building one on first use."""
    _check_auth_settings(settings)
    state = AppState(settings, retriever=retriever)
    mcp = mcp_http(state)  # the MCP server's streamable HTTP endpoint (api/mcp), its sessions run with the app
    hidden = settings.api_production  # no /docs, /redoc or /openapi.json to map the API for a stranger
    app = FastAPI(
        title="Trellis",
        version=VERSION,
        lifespan=_lifespan(state, mcp),
        docs_url=None if hidden else "/docs",
        redoc_url=None if hidden else "/redoc",
        openapi_url=None if hidden else "/openapi.json",
    )
    app.state.trellis = state
    _add_middleware(app, state)
    _add_routes(app, state, mcp)
    return app


def _lifespan(state: AppState, mcp: McpHttp) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the loop-lag watch, GC pause timing and MCP sessions run with it; the state closes after."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        lag = LoopLagMonitor(state.metrics.loop_lag_seconds, state.metrics.loop_lag_max_seconds)
        watching = asyncio.create_task(lag.run(), name="trellis-loop-lag")
        try:
            with GcPauses(state.metrics.gc_pause_max_seconds):
                async with mcp.sessions.run():
                    yield
        finally:
            watching.cancel()
            state.close()

    return lifespan


def _add_middleware(app: FastAPI, state: AppState) -> None:
    """The middleware, in the order added: socket limit, origin guard, request metrics and limits, CORS if set."""
    settings = state.settings
    app.add_middleware(SocketLimitMiddleware, limit=state.sockets)
    app.add_middleware(OriginGuard, origins=settings.api_cors_origins, hosts=allowed_hosts(settings))
    app.add_middleware(RequestMiddleware, metrics=state.metrics, max_body_bytes=settings.api_max_request_bytes)
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )


def _add_routes(app: FastAPI, state: AppState, mcp: McpHttp) -> None:
    """The error handler and every door: health, GraphQL, OpenAI-compatible chat and its feedback, MCP."""

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=exc.status_code, headers=error_headers(exc))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}  # on the event loop: never waits behind the worker threads' answers

    app.include_router(health_router)  # /readyz and /metrics (api/health.py)
    mount_graphql(app, state)  # /graphql: queries, mutations, subscriptions, GraphiQL (api/graphql)
    app.include_router(chat_router, prefix="/v1")  # OpenAI-compatible chat for chat clients (api/chat)
    app.include_router(chat_feedback_router, prefix="/v1")  # ratings of chat answers by completion id
    app.router.routes.append(Route("/mcp", mcp, include_in_schema=False))  # MCP, streamable HTTP (api/mcp)
