"""The local API key: made once with mode 0600, reused, never made when keys are configured or in production."""

from __future__ import annotations

from pathlib import Path

from trellis.api.keys import local_key_file, with_local_key
from trellis.kg.settings import Settings


def test_a_local_write_key_is_made_once_and_kept_private(tmp_path: Path, open_umask: None) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first, path = with_local_key(settings)
    assert path == local_key_file(settings) and path.stat().st_mode & 0o777 == 0o600
    assert all(folder.stat().st_mode & 0o777 == 0o700 for folder in (path.parent, settings.data_dir))
    key = path.read_text().strip()
    assert first.api_keys == {key: "write"} and len(key) >= 32
    again, _ = with_local_key(settings)
    assert again.api_keys == first.api_keys


def test_no_local_key_when_keys_are_configured_auth_is_off_or_in_production(tmp_path: Path) -> None:
    for settings in (
        Settings(data_dir=tmp_path, api_keys={"k" * 32: "read"}),
        Settings(data_dir=tmp_path, api_auth_disabled=True),
        Settings(data_dir=tmp_path, api_production=True),
    ):
        assert with_local_key(settings) == (settings, None)
    assert not local_key_file(Settings(data_dir=tmp_path)).exists()
