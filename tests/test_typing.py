"""The code type-checks under ``mypy --strict`` and is ruff clean (lint and format), run as a developer runs them.

mypy keeps its cache beside the venv (``~/.cache/trellis/mypy``, shared with a developer's own runs and with other
checkouts on the machine; mypy rechecks a file whose content changed), so a second run rechecks only what changed and
takes seconds; from cold it takes a minute or two.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import REPO

PACKAGES = ("kg", "retrieval", "training", "api")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=540, check=False
    )


def test_mypy_strict_is_clean() -> None:
    """``scripts/typecheck.sh``: the packages as the wheel names them (``trellis.kg`` ...)."""
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "typecheck.sh")],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_ruff_is_clean() -> None:
    lint = _run("ruff", "check", *PACKAGES)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    layout = _run("ruff", "format", "--check", *PACKAGES)
    assert layout.returncode == 0, layout.stdout + layout.stderr
