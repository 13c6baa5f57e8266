"""A package's public names loaded on first use (PEP 562), so that importing one light module of the package does
not load what its heavier modules need (spaCy, torch, the models' libraries)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, names: Sequence[str], homes: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``: a name of ``names`` is looked up in each of
    ``homes`` in turn (list the lightest first) until one defines it, then kept in the package."""
    public = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name in public:
            for home in homes:
                module = import_module(home)
                if hasattr(module, name):
                    value = getattr(module, name)
                    setattr(sys.modules[package], name, value)
                    return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return __getattr__, __dir__
