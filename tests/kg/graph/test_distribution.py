"""Two first starts at once fetch the Neo4j server once: the second waits for the first's fetch and uses it.

Maven is stood in for by a small script (the real fetch needs the network): it notes each run, takes a moment,
and writes one jar where ``-DoutputDirectory`` says, as ``maven-dependency-plugin:copy-dependencies`` does.
"""

from __future__ import annotations

import threading
from pathlib import Path

from trellis.kg.graph.distribution import Distribution, ensure_distribution
from trellis.kg.settings import Settings

MAVEN = """#!/bin/sh
echo run >> "{log}"
sleep 1
for argument in "$@"; do
  case "$argument" in -DoutputDirectory=*) folder="${{argument#-DoutputDirectory=}}";; esac
done
mkdir -p "$folder" && touch "$folder/fetched.jar"
"""


def test_two_first_starts_fetch_the_server_once(tmp_path: Path) -> None:
    log = tmp_path / "maven-runs.log"
    maven = tmp_path / "mvn"
    maven.write_text(MAVEN.format(log=log))
    maven.chmod(0o755)
    settings = Settings(cache_dir=tmp_path / "cache", maven_command=str(maven))
    both = threading.Barrier(2)
    found: list[Distribution | BaseException] = []

    def start() -> None:
        both.wait()
        try:
            found.append(ensure_distribution(settings))
        except BaseException as exc:
            found.append(exc)

    starts = [threading.Thread(target=start) for _ in range(2)]
    for thread in starts:
        thread.start()
    for thread in starts:
        thread.join(timeout=120)
    assert len(found) == 2 and all(isinstance(d, Distribution) for d in found), found
    assert found[0] == found[1]
    assert len(log.read_text().splitlines()) == 2, "one fetch of lib/ and one of plugins/, not one per start"
    distribution = found[0]
    assert isinstance(distribution, Distribution)
    assert (distribution.lib / "fetched.jar").is_file() and (distribution.plugins / "fetched.jar").is_file()
    assert [p.name for p in distribution.root.parent.iterdir() if p.is_dir()] == [distribution.root.name]
