"""kill -9 of a real `trellis ingest` at points across the load, extract, Neo4j-write and FAISS-save stages: after
the same command again, the graph equals a clean ingest's and `trellis index check` passes, every time.

The kill is a SIGKILL the process sends itself at a named point (``TRELLIS_FAILPOINT``, :mod:`kg.failpoints`):
nothing is cleaned up, as after a power cut. The CI run takes three points where a crash could part Neo4j and
FAISS; ``python benchmarks/crash_recovery.py`` runs ten random ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import run_cli, settings_env
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.fingerprint import Fingerprint, graph_fingerprint
from trellis.kg.settings import Settings

BATCH = "2"  # documents per batch: five batches, so a kill can land in the middle of the ingest


def _env(settings: Settings, data_dir: Path, **extra: str) -> dict[str, str]:
    return settings_env(
        settings,
        TRELLIS_DATA_DIR=str(data_dir),
        NEO4J_PASSWORD=resolve_password(settings),
        TRELLIS_INGEST_BATCH_DOCUMENTS=BATCH,
        **extra,
    )


def _fresh(store: GraphStore, data_dir: Path) -> None:
    store.execute("delete_everything")
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def clean(
    neo4j_settings: Settings, store: GraphStore, geonames_ten: Path, tmp_path_factory: pytest.TempPathFactory
) -> object:
    """The fingerprint of an ingest that nothing interrupted."""
    data_dir = tmp_path_factory.mktemp("clean") / "data"
    _fresh(store, data_dir)
    done = run_cli("ingest", str(geonames_ten), env=_env(neo4j_settings, data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    fingerprint = graph_fingerprint(store)
    assert fingerprint[0] and fingerprint[1]
    _fresh(store, data_dir)
    return fingerprint


@pytest.mark.parametrize(
    "point",
    ["ingest.extracted:2", "ingest.neo4j-committed:2", "ingest.faiss-chunks-saved:3"],
)
def test_a_killed_ingest_run_again_equals_a_clean_one(
    point: str, neo4j_settings: Settings, store: GraphStore, geonames_ten: Path, clean: Fingerprint, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    _fresh(store, data_dir)
    killed = run_cli("ingest", str(geonames_ten), env=_env(neo4j_settings, data_dir, TRELLIS_FAILPOINT=point))
    assert killed.returncode == -9, f"not killed at {point}: {killed.stdout}{killed.stderr}"

    again = run_cli("ingest", str(geonames_ten), env=_env(neo4j_settings, data_dir))
    assert again.returncode == 0, again.stdout + again.stderr
    assert graph_fingerprint(store) == clean
    checked = run_cli("index", "check", env=_env(neo4j_settings, data_dir))
    assert checked.returncode == 0 and "MISMATCH" not in checked.stdout, checked.stdout + checked.stderr
    _fresh(store, data_dir)
