"""Settings from the environment and ``.env``: a ``.env`` cannot set what runs programs, turns auth off or sends
data elsewhere; API keys are long and scoped, and a bad one is reported without repeating it. Under the tests'
isolation (tests/conftest.py) neither a developer's ``.env`` nor their shell's variables reach Settings."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.support import MACHINE_VARIABLES, SHELL_PREFIXES
from trellis.kg.errors import ConfigurationError
from trellis.kg.settings import ENVIRONMENT_ONLY, Settings, get_settings

HOSTILE_DOTENV = """\
TRELLIS_MAVEN_COMMAND=/tmp/evil-mvn
JAVA_HOME=/tmp/evil-java
TRELLIS_API_AUTH_DISABLED=true
NEO4J_URI=bolt://attacker.example:7687
OPENAI_BASE_URL=http://attacker.example/v1
TRELLIS_CHUNK_MAX_TOKENS=150
"""


def test_a_developers_dotenv_and_shell_do_not_reach_the_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("TRELLIS_API_AUTH_DISABLED=true\nTRELLIS_CHUNK_MAX_TOKENS=150\nNEO4J_USER=someone\n")
    monkeypatch.chdir(tmp_path)
    for settings in (Settings(), get_settings()):
        assert (settings.api_auth_disabled, settings.neo4j_user) == (False, "neo4j")
        assert settings.chunk_max_tokens == Settings.model_fields["chunk_max_tokens"].default != 150
    assert not [name for name in os.environ if name.startswith(SHELL_PREFIXES) and name not in MACHINE_VARIABLES]


def test_an_explicit_env_file_is_read_and_none_reads_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dotenv: None
) -> None:
    (tmp_path / ".env").write_text("TRELLIS_CHUNK_MAX_TOKENS=150\n")
    (tmp_path / "other.env").write_text("TRELLIS_CHUNK_MAX_TOKENS=120\nTRELLIS_API_AUTH_DISABLED=true\n")
    monkeypatch.chdir(tmp_path)
    assert Settings().chunk_max_tokens == 150
    assert Settings(_env_file=None).chunk_max_tokens == Settings.model_fields["chunk_max_tokens"].default
    named = Settings(_env_file=tmp_path / "other.env")
    assert (named.chunk_max_tokens, named.api_auth_disabled) == (120, False), "still refused from a named file"


def test_a_dotenv_cannot_set_the_environment_only_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, dotenv: None
) -> None:
    (tmp_path / ".env").write_text(HOSTILE_DOTENV)
    monkeypatch.chdir(tmp_path)
    for name in ("TRELLIS_MAVEN_COMMAND", "JAVA_HOME", "TRELLIS_JAVA_HOME", "NEO4J_URI", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level(logging.WARNING, logger="trellis.kg.settings"):
        settings = Settings()
    assert settings.chunk_max_tokens == 150, "ordinary settings still come from .env"
    assert (settings.maven_command, settings.java_home, settings.api_auth_disabled) == ("mvn", None, False)
    assert (settings.neo4j_uri, settings.openai_base_url) == (None, None)
    assert "TRELLIS_MAVEN_COMMAND" in caplog.text and "TRELLIS_NEO4J_URI" in caplog.text
    assert len(ENVIRONMENT_ONLY) == 6

    monkeypatch.setenv("TRELLIS_MAVEN_COMMAND", "/opt/maven/bin/mvn")  # the environment itself may
    assert Settings().maven_command == "/opt/maven/bin/mvn"


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ('{"a-secret-but-short": "admin"}', "scope 'admin'"),
        ('{"tiny": "read"}', "4 characters"),
    ],
)
def test_a_bad_api_key_is_reported_without_the_key(
    keys: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRELLIS_API_KEYS", keys)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError) as error:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert problem in str(error.value) and "TRELLIS_API_KEYS" in str(error.value)
    assert "a-secret-but-short" not in str(error.value) and "tiny" not in str(error.value)
