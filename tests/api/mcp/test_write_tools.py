"""Who may write over MCP: over stdio the local user; over HTTP only a key with the write scope, and a call that
carries no headers at all is refused rather than taken for the local user."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from tests.support_api import API_KEYS, READ_KEY, WRITE_KEY
from trellis.api.mcp.write_tools import WriteTools
from trellis.api.state import AppState
from trellis.kg.settings import Settings


@pytest.fixture
def state(tmp_path: Path) -> AppState:
    return AppState(Settings(data_dir=tmp_path, api_keys=API_KEYS))


def test_over_http_only_a_write_key_may_write(state: AppState) -> None:
    tools = WriteTools(state, local=False)
    tools.require_write({"Authorization": f"Bearer {WRITE_KEY}"})
    with pytest.raises(ToolError, match="'write' scope"):
        tools.require_write({"Authorization": f"Bearer {READ_KEY}"})
    with pytest.raises(ToolError, match="no API key"):
        tools.require_write(None)


def test_over_stdio_the_local_user_may_write(state: AppState) -> None:
    WriteTools(state, local=True).require_write(None)
