"""API keys with scopes: ``read`` (questions, search, exploring) and ``write`` (ingest, delete; implies read).

Keys come from the settings (``TRELLIS_API_KEYS='{"key": "write"}'``) and are sent as ``Authorization: Bearer KEY``
or ``X-API-Key: KEY``. Keys are compared in constant time and never logged. Turning auth off is explicit
(``TRELLIS_API_AUTH_DISABLED=true``) and meant for local use: every caller then holds the write scope.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from fastapi import Request

from trellis.api.errors import AuthenticationError, PermissionDeniedError
from trellis.kg.settings import Settings

__all__ = ["Principal", "Scope", "authenticate", "authenticate_headers", "require_scope"]

Scope = Literal["read", "write"]
_GRANTS: dict[str, set[str]] = {"read": {"read"}, "write": {"read", "write"}}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the scopes their key grants and a short, non-secret label for logs."""

    scopes: frozenset[str]
    label: str
    key_id: str = "local"  # a short digest of the key, never the key: what per-key bounds count by

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes

    def require(self, scope: Scope) -> None:
        """Raise :class:`PermissionDeniedError` unless this caller holds ``scope``."""
        if not self.allows(scope):
            raise PermissionDeniedError(f"this API key lacks the '{scope}' scope needed here")


def _key_from(headers: Mapping[str, str]) -> str | None:
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    key = headers.get("x-api-key", "").strip()
    return key or None


def authenticate_headers(headers: Mapping[str, str], settings: Settings) -> Principal:
    """The caller named by these headers (lower-case names), or :class:`AuthenticationError`."""
    if settings.api_auth_disabled:
        return Principal(scopes=frozenset(_GRANTS["write"]), label="auth-disabled")
    key = _key_from(headers)
    if key is None:
        raise AuthenticationError("an API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")
    for known, scope in settings.api_keys.items():
        if hmac.compare_digest(known.encode(), key.encode()):
            digest = hashlib.sha256(known.encode()).hexdigest()[:12]
            return Principal(scopes=frozenset(_GRANTS[scope]), label=f"key-{len(known)}c-{scope}", key_id=digest)
    raise AuthenticationError("unknown API key")


def authenticate(request: Request) -> Principal:
    """The caller of an HTTP request (FastAPI dependency)."""
    from trellis.api.state import get_state

    return authenticate_headers({k.lower(): v for k, v in request.headers.items()}, get_state(request).settings)


def require_scope(scope: Scope) -> Callable[[Request], Principal]:
    """A FastAPI dependency admitting callers whose key grants ``scope`` (401 without a key, 403 without the scope)."""

    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        principal.require(scope)
        return principal

    return dependency
