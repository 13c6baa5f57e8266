"""``trellis mcp``: the MCP server over stdio, for clients that start it as a subprocess (Claude Desktop, IDEs)."""

from __future__ import annotations

from typing import Annotated

import typer

from trellis.kg.settings import get_settings

__all__ = ["mcp"]


def mcp(
    write: Annotated[
        bool, typer.Option("--write", help="Also offer the ingest and delete tools (TRELLIS_MCP_WRITE_TOOLS).")
    ] = False,
) -> None:
    """Serve the Trellis MCP tools (ask, search, get_entity, neighbors, path) over stdin and stdout."""
    from transformers.utils import logging as transformers_logging

    from trellis.api.mcp import build_mcp
    from trellis.api.state import AppState

    transformers_logging.disable_progress_bar()  # stdout carries the protocol; nothing else may write there
    settings = get_settings()
    if write:
        settings = settings.model_copy(update={"mcp_write_tools": True})
    state = AppState(settings)
    try:
        build_mcp(state, stdio=True).run("stdio")
    finally:
        state.close()
