"""Trellis's version: the one written in ``pyproject.toml``, read from the installed package's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["VERSION"]

try:
    VERSION: str = version("trellis")
except PackageNotFoundError:  # run from a source tree that was never installed
    VERSION = "0+unknown"
