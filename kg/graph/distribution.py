"""Fetch the Neo4j Community server, its Browser and APOC core from Maven Central, once, with Maven.

Maven Central publishes no Neo4j 5.26 distribution archive (only its POM), so the server is assembled from its jars
(``org.neo4j:neo4j``, ``org.neo4j.app:neo4j-server``, ``org.neo4j.client:neo4j-browser``), and APOC core goes to
``plugins/`` with ``apoc-common``, which it needs since 5.26.12. This module is the one place that recipe lives.
The result is cached under ``<cache_dir>/neo4j/<versions>/`` and reused by every later start.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from trellis.kg.errors import MavenError
from trellis.kg.files import exclusive_lock
from trellis.kg.settings import Settings

__all__ = ["Distribution", "ensure_distribution"]

logger = logging.getLogger(__name__)

_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>trellis.local</groupId><artifactId>{name}</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""
_DEPENDENCY = "    <dependency><groupId>{}</groupId><artifactId>{}</artifactId><version>{}</version></dependency>"
_MARKER = "COMPLETE"


@dataclass(frozen=True)
class Distribution:
    """A fetched server: the jars of the server itself and the plugin jars."""

    root: Path
    version: str

    @property
    def lib(self) -> Path:
        return self.root / "lib"

    @property
    def plugins(self) -> Path:
        return self.root / "plugins"


def _artifacts(settings: Settings) -> dict[str, list[tuple[str, str, str]]]:
    return {
        "lib": [
            ("org.neo4j", "neo4j", settings.neo4j_version),
            ("org.neo4j.app", "neo4j-server", settings.neo4j_version),
            ("org.neo4j.client", "neo4j-browser", settings.neo4j_browser_version),
        ],
        "plugins": [
            ("org.neo4j.procedure", "apoc-common", settings.apoc_version),
            ("org.neo4j.procedure", "apoc-core", settings.apoc_version),
        ],
    }


def _maven_fetch(maven: str, folder: str, artifacts: list[tuple[str, str, str]], target: Path) -> None:
    pom = target / f"{folder}.pom.xml"
    dependencies = "\n".join(_DEPENDENCY.format(*artifact) for artifact in artifacts)
    pom.write_text(_POM.format(name=folder, dependencies=dependencies))
    command = [
        maven, "-B", "-q", "-f", str(pom), f"{_DEPENDENCY_PLUGIN}:copy-dependencies",
        f"-DoutputDirectory={target / folder}", "-DincludeScope=runtime",
    ]  # fmt: skip
    logger.info("fetching %s with Maven", ", ".join(":".join(a) for a in artifacts))
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MavenError("Maven took over 30 minutes to fetch Neo4j: check the connection to Maven Central") from exc
    if result.returncode != 0:
        errors = [line for line in result.stdout.splitlines() if "ERROR" in line]
        reason = errors[0].replace("[ERROR]", "").strip() if errors else f"exit code {result.returncode}"
        raise MavenError(
            f"Maven could not fetch {', '.join(':'.join(a) for a in artifacts)} ({reason[:300]}): check that "
            "Maven Central (https://repo.maven.apache.org) is reachable, or set a mirror in ~/.m2/settings.xml"
        )


def ensure_distribution(settings: Settings) -> Distribution:
    """The cached server for the configured versions, fetched with Maven the first time (atomically, by one process
    at a time: another that starts meanwhile waits for it and uses what it fetched)."""
    tag = f"{settings.neo4j_version}-apoc{settings.apoc_version}-browser{settings.neo4j_browser_version}"
    distribution = Distribution(root=settings.cache_dir / "neo4j" / tag, version=settings.neo4j_version)
    if (distribution.root / _MARKER).is_file():
        return distribution
    with exclusive_lock(distribution.root.parent / f".{tag}.lock"):  # a second first start waits, then reuses it
        if (distribution.root / _MARKER).is_file():
            return distribution
        _fetch(settings, distribution, tag)
    return distribution


def _fetch(settings: Settings, distribution: Distribution, tag: str) -> None:
    """Fetch the server into a staging folder and move it in place whole (the caller holds the lock)."""
    if shutil.which(settings.maven_command) is None:
        raise MavenError(
            f"Maven ({settings.maven_command}) not found; it fetches Neo4j from Maven Central: "
            "install it (apt-get install maven) or set TRELLIS_MAVEN_COMMAND"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{tag}-", dir=distribution.root.parent))
    try:
        for folder, artifacts in _artifacts(settings).items():
            _maven_fetch(settings.maven_command, folder, artifacts, staging)
        (staging / _MARKER).write_text(tag + "\n")
        if distribution.root.exists():  # an incomplete earlier attempt
            shutil.rmtree(distribution.root)
        staging.rename(distribution.root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
