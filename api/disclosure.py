"""What a caller may learn about the server itself: its file paths, and the Neo4j Browser and Bolt addresses.

An operator at their own server (outside production, holding the write scope, which auth turned off grants to every
caller) sees a document's path and an answer's Neo4j Browser link. In production, or with a read key, a document's
source is its file's base name and an answer has no Browser link: the link names the Bolt URI and the Browser's own
host and port, which such a caller can neither use nor should learn.
"""

from __future__ import annotations

from pathlib import PureWindowsPath
from urllib.parse import urlsplit

from trellis.api.auth import Principal
from trellis.kg.settings import Settings

__all__ = ["public_source", "shows_internals"]

_WEB = ("http", "https")


def shows_internals(settings: Settings, principal: Principal | None) -> bool:
    """Whether ``principal`` may see server paths and addresses: outside production, with the write scope."""
    return not settings.api_production and principal is not None and principal.allows("write")


def public_source(source: str | None) -> str | None:
    """A document's source as anyone may see it: a web address as it is, a path (or ``file:`` URL) as its base
    name only. Windows paths too: ``PureWindowsPath`` splits on both separators."""
    if not source or urlsplit(source).scheme in _WEB:
        return source
    return PureWindowsPath(source).name or None
