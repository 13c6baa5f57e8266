"""Find a Java runtime that Neo4j 5.26 runs on (Java 17 or 21)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from trellis.kg.errors import JavaNotFoundError

__all__ = ["SUPPORTED_JAVA", "JavaRuntime", "find_java"]

SUPPORTED_JAVA = (17, 21)
_FIX = "install a supported JDK (apt-get install openjdk-17-jre-headless) or set TRELLIS_JAVA_HOME to one"
_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


@dataclass(frozen=True)
class JavaRuntime:
    """A Java executable and its major version."""

    executable: Path
    major: int


def _major_version(executable: Path) -> int:
    try:
        result = subprocess.run([str(executable), "-version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError as exc:
        raise JavaNotFoundError(f"Java at {executable} cannot run ({exc.strerror}): {_FIX}") from exc
    match = _VERSION.search(result.stderr + result.stdout)
    if result.returncode != 0 or not match:
        raise JavaNotFoundError(f"Java at {executable} did not report a version: {_FIX}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def find_java(java_home: Path | None) -> JavaRuntime:
    """The Java named by ``java_home`` (TRELLIS_JAVA_HOME or JAVA_HOME), else the one on PATH; checked for version."""
    if java_home is not None:
        executable = java_home / "bin" / "java"
        if not executable.is_file():
            raise JavaNotFoundError(f"no Java at {executable} (from TRELLIS_JAVA_HOME/JAVA_HOME): {_FIX}")
    else:
        found = shutil.which("java")
        if found is None:
            raise JavaNotFoundError(f"Java not found on PATH; Neo4j needs Java 17 or 21: {_FIX}")
        executable = Path(found)
    major = _major_version(executable)
    if major not in SUPPORTED_JAVA:
        relation = "too old" if major < SUPPORTED_JAVA[0] else "not supported"
        raise JavaNotFoundError(f"Java {major} at {executable} is {relation}; Neo4j 5.26 needs Java 17 or 21: {_FIX}")
    return JavaRuntime(executable=executable, major=major)
