"""Finding Java: the real JDK on this machine, and clear errors for a missing or unsupported one."""

from __future__ import annotations

from pathlib import Path

import pytest

from trellis.kg.errors import JavaNotFoundError
from trellis.kg.graph.java import SUPPORTED_JAVA, find_java


def _java_home_reporting(tmp_path: Path, version: str) -> Path:
    """A Java home whose `java -version` prints the given version, as an old JDK would."""
    home = tmp_path / f"jdk-{version}"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2019-01-15' >&2\n")
    java.chmod(0o755)
    return home


def test_machine_java_is_supported() -> None:
    assert find_java(None).major in SUPPORTED_JAVA


def test_missing_java_home(tmp_path: Path) -> None:
    with pytest.raises(JavaNotFoundError, match="TRELLIS_JAVA_HOME"):
        find_java(tmp_path / "no-jdk")


@pytest.mark.parametrize(
    ("version", "word"), [("11.0.2", "too old"), ("1.8.0_292", "too old"), ("25.0.1", "not supported")]
)
def test_unsupported_java(tmp_path: Path, version: str, word: str) -> None:
    with pytest.raises(JavaNotFoundError, match=word):
        find_java(_java_home_reporting(tmp_path, version))


def test_java_not_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFoundError, match="not found on PATH"):
        find_java(None)
