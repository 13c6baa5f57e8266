"""The version is written once, in pyproject.toml; the CLI, the HTTP API and the MCP server report that one."""

from __future__ import annotations

import os
import tomllib

from tests.support import REPO, run_cli
from trellis.api.app import create_app
from trellis.kg.settings import Settings
from trellis.kg.version import VERSION


def test_the_version_is_pyprojects_everywhere() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert declared == VERSION
    result = run_cli("--version", env=dict(os.environ))
    assert result.returncode == 0 and result.stdout.strip() == f"trellis {declared}", result.stderr
    assert create_app(Settings(api_auth_disabled=True)).version == declared
