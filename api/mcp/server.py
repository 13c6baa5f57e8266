"""The Trellis MCP server: curated tools over the graph, served over streamable HTTP at ``/mcp`` or over stdio.

Tools: ``ask`` (a cited answer, with its id in the answer log), ``search`` (passages), ``get_entity``, ``neighbors``
and ``path`` (exploring), ``rate_answer`` (UP or DOWN on an ``ask`` answer, with a correction), and,
only when ``TRELLIS_MCP_WRITE_TOOLS=true``, ``ingest`` and ``delete``. Over HTTP the endpoint sits behind the same
API keys as the rest of the API (read scope; the write tools check the write scope per call). ``trellis mcp`` runs
the same server over stdio for desktop clients that start it as a subprocess.
"""

from __future__ import annotations

import logging

from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.types import ToolAnnotations
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from trellis.api.auth import authenticate_headers
from trellis.api.errors import ApiError, error_headers
from trellis.api.mcp.feedback_tools import FeedbackTools
from trellis.api.mcp.tools import GraphTools
from trellis.api.mcp.write_tools import WriteTools
from trellis.api.state import AppState
from trellis.kg.settings import Settings
from trellis.kg.version import VERSION

__all__ = ["McpHttp", "build_mcp", "mcp_http"]

logger = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Trellis answers from a knowledge graph built from documents. Use `ask` for a question (the answer cites "
    "passages as [n]; 'Not in the graph' means the graph does not hold the answer), `search` for relevant "
    "passages, and `get_entity`, `neighbors` and `path` to explore entities and the relations between them. When the "
    "user says an answer was right or wrong, `rate_answer` with its answer_id (UP, or DOWN and the correction)."
)


def build_mcp(state: AppState, *, stdio: bool = False) -> MCPServer:
    """The MCP server with the read tools, and the write tools when the settings enable them. Over stdio the
    caller is the local user; over HTTP every write needs a key with the write scope."""
    server: MCPServer = MCPServer(
        "trellis", title="Trellis knowledge graph", instructions=INSTRUCTIONS, version=VERSION, log_level="WARNING"
    )
    reads = GraphTools(state, local=stdio)
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    for tool in (reads.ask, reads.search, reads.get_entity, reads.neighbors, reads.path):
        server.add_tool(tool, name=tool.__name__, annotations=read_only)
    rating = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
    server.add_tool(FeedbackTools(reads).rate_answer, name="rate_answer", annotations=rating)
    if state.settings.mcp_write_tools:
        writes = WriteTools(state, local=stdio)
        server.add_tool(
            writes.ingest,
            name="ingest",
            annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False),
        )
        server.add_tool(
            writes.delete,
            name="delete",
            annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True),
        )
    return server


class McpHttp:
    """The MCP server as an ASGI app behind the API keys (read scope), with its session manager to run."""

    def __init__(self, server: MCPServer, settings: Settings) -> None:
        self.settings = settings
        # On a loopback host the SDK turns on DNS-rebinding protection (Host and Origin must be loopback too).
        server.streamable_http_app(host=settings.api_host)  # builds the session manager; its own routes go unused
        self.sessions: StreamableHTTPSessionManager = server.session_manager
        self._app: ASGIApp = StreamableHTTPASGIApp(self.sessions)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
            try:
                authenticate_headers(headers, self.settings).require("read")
            except ApiError as exc:
                response = JSONResponse({"error": str(exc)}, status_code=exc.status_code, headers=error_headers(exc))
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)


def mcp_http(state: AppState) -> McpHttp:
    """The ``/mcp`` endpoint of an app: run ``.sessions.run()`` in the app's lifespan."""
    return McpHttp(build_mcp(state), state.settings)
