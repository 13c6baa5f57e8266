"""Credentials for Neo4j: from settings, or the generated password of the local server."""

from __future__ import annotations

import secrets
from pathlib import Path

from trellis.kg.errors import ConfigurationError
from trellis.kg.files import write_private
from trellis.kg.settings import Settings

__all__ = ["password_file", "resolve_password"]


def password_file(settings: Settings) -> Path:
    """Where the local server's generated password is kept (mode 0600)."""
    return settings.neo4j_home / "password"


def resolve_password(settings: Settings, *, create: bool = False) -> str:
    """The configured password, else the local server's stored one (generated and stored when ``create``)."""
    if settings.neo4j_password is not None:
        return settings.neo4j_password.get_secret_value()
    if not settings.uses_local_server:
        raise ConfigurationError(
            f"NEO4J_URI is set to {settings.neo4j_uri} but no password is: "
            "set NEO4J_PASSWORD (or TRELLIS_NEO4J_PASSWORD)"
        )
    path = password_file(settings)
    if path.is_file():
        return path.read_text().strip()
    if not create:
        raise ConfigurationError(
            f"no password for the local Neo4j server (nothing at {path}): run `trellis neo4j start` first, "
            "or set TRELLIS_NEO4J_PASSWORD"
        )
    password = "t" + secrets.token_urlsafe(24)  # never starts with '-', which a command line reads as an option
    write_private(path, password + "\n")
    return password
