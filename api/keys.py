"""The local API key: made once for a machine that has no keys configured, so `trellis serve` is never open.

When ``TRELLIS_API_KEYS`` is empty and auth is not explicitly disabled, `trellis serve` generates a write key
into ``<data_dir>/api/api-key`` (mode 0600, the same way the local Neo4j password is kept) and uses it. The key
is printed nowhere; the CLI tells the path, and clients read it from there. Production never gets one: it must
name its keys.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from trellis.kg.files import PRIVATE_FILE, private_folder
from trellis.kg.settings import Settings

__all__ = ["local_key_file", "with_local_key"]


def local_key_file(settings: Settings) -> Path:
    """Where the generated local key lives."""
    return settings.data_dir / "api" / "api-key"


def _read_or_create(path: Path) -> str:
    private_folder(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def with_local_key(settings: Settings) -> tuple[Settings, Path | None]:
    """``settings`` with the local write key added when none is configured; and the key's file (None: not used)."""
    if settings.api_keys or settings.api_auth_disabled or settings.api_production:
        return settings, None
    path = local_key_file(settings)
    key = _read_or_create(path)
    return settings.model_copy(update={"api_keys": {key: "write"}}), path
