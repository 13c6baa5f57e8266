"""The MCP server: curated graph tools over streamable HTTP (mounted at ``/mcp``) and stdio (``trellis mcp``)."""

from trellis.api.mcp.server import McpHttp, build_mcp, mcp_http

__all__ = ["McpHttp", "build_mcp", "mcp_http"]
