"""Ingest on Ray against the real server, models and a local Ray that this module starts: the graph equals the one a
single-process ingest builds, with one stage doing every step (a small machine's plan) or a stage per step (a larger
cluster's), from a folder or from a JSONL dataset on S3 (moto's server on loopback), FAISS agrees with Neo4j, a
re-ingest does no stage work on the unchanged documents (and refuses one the graph changed under), the command line
joins a cluster by address, and a cluster that is not there (or Ray not installed) is one clear error line with
nothing written; each cluster gets a plan that fits it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from pydantic import SecretStr

from tests.kg.exchange.s3_server import S3Server, moto_server
from tests.support import REPO, free_port, run_cli, settings_env
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.fingerprint import Fingerprint, graph_fingerprint
from trellis.kg.ingest.consistency import check_indexes
from trellis.kg.ingest.distributed import RayCluster, RayIngest, ray_session
from trellis.kg.ingest.distributed.handover import CHANGED_MEANWHILE, Handover
from trellis.kg.ingest.distributed.stages import STEPS, StagePlan, StageSpec
from trellis.kg.ingest.distributed.work import VECTORS, WORK, DocumentWork
from trellis.kg.ingest.extraction import SpacyExtractor
from trellis.kg.ingest.loaders import load_paths
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.ingest.writer import GRAPH_VERSION
from trellis.kg.settings import Settings
from trellis.kg.types import Document
from trellis.kg.vectors import Embedder

SAMPLE = REPO / "data" / "sample"
ARTICLES = {"Albania": 3_000, "Andorra": 3_000}  # the opening of each: a few chunks, more than one batch
BATCH = 2  # documents per batch: the five documents pass in three batches, resolved and written in order


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    """An S3-compatible server, its credentials in the environment that the module's Ray workers inherit."""
    with moto_server() as server, pytest.MonkeyPatch.context() as patch:
        for name, value in server.env().items():
            patch.setenv(name, value)
        yield server


@pytest.fixture(scope="module")
def cluster(s3: S3Server) -> Iterator[RayCluster]:
    """A local Ray for the module (2 CPUs, no dashboard), shut down after it."""
    with ray_session(None) as started:
        yield started


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two Wikipedia articles of the sample (their openings) and its hand-written files."""
    folder = tmp_path_factory.mktemp("ray-corpus") / "sample"
    (folder / "extra").mkdir(parents=True)
    lines = (SAMPLE / "wikipedia.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [json.loads(line) for line in lines if json.loads(line)["title"] in ARTICLES]
    assert len(chosen) == len(ARTICLES)
    cut = [json.dumps({**article, "text": article["text"][: ARTICLES[article["title"]]]}) for article in chosen]
    (folder / "wikipedia.jsonl").write_text("\n".join(cut) + "\n", encoding="utf-8")
    for path in (SAMPLE / "extra").iterdir():
        (folder / "extra" / path.name).write_bytes(path.read_bytes())
    return folder


def _settings(neo4j_settings: Settings, data_dir: Path) -> Settings:
    return neo4j_settings.model_copy(
        update={
            "data_dir": data_dir,
            "neo4j_password": SecretStr(resolve_password(neo4j_settings)),
            "ingest_batch_documents": BATCH,
            "device": "cpu",
        }
    )


@pytest.fixture(scope="module")
def one_process(
    neo4j_settings: Settings,
    store: GraphStore,
    embedder: Embedder,
    extractor: SpacyExtractor,
    corpus: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Fingerprint:
    """The fingerprint of the corpus ingested by one process into an empty graph."""
    store.execute("delete_everything")
    settings = _settings(neo4j_settings, tmp_path_factory.mktemp("one-process") / "data")
    report = IngestPipeline(settings, store=store, embedder=embedder, extractor=extractor).ingest([corpus])
    assert report.failed == 0 and report.documents == 5
    fingerprint = graph_fingerprint(store)
    store.execute("delete_everything")
    return fingerprint


@pytest.fixture
def pipeline(
    neo4j_settings: Settings, empty_graph: GraphStore, embedder: Embedder, extractor: SpacyExtractor, tmp_path: Path
) -> IngestPipeline:
    """A single-process pipeline into the empty graph, with a data folder of the test's own: the driver of a Ray
    ingest."""
    settings = _settings(neo4j_settings, tmp_path / "data")
    return IngestPipeline(settings, store=empty_graph, embedder=embedder, extractor=extractor)


def test_ray_builds_the_graph_one_process_builds(
    cluster: RayCluster,
    one_process: Fingerprint,
    pipeline: IngestPipeline,
    empty_graph: GraphStore,
    corpus: Path,
    tmp_path: Path,
) -> None:
    settings = pipeline.settings
    ray = RayIngest(pipeline, cluster)
    copy = shutil.copytree(corpus, tmp_path / corpus.name)  # the same ids: a file's id comes from its relative path

    report = ray.ingest([copy])
    assert report.failed == 0 and report.documents == 5 and report.chunks > 5
    assert graph_fingerprint(empty_graph) == one_process
    assert all(check.ok for check in check_indexes(settings, empty_graph))
    assert {"load", "chunk", "extract", "embed"} <= set(ray.totals.seconds)
    assert ray.totals.chunks["embed"] == report.chunks

    again = ray.ingest([copy])
    assert (again.documents, again.skipped, again.failed) == (0, 5, 0), "skipped as unchanged, as in one process"
    assert set(ray.totals.seconds) == {"load"}, "no stage after loading worked on an unchanged document"
    assert ray.totals.documents["load"] == 5
    assert graph_fingerprint(empty_graph) == one_process

    changed = copy / "extra" / "geography-facts.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe Drina flows past Foca.\n", encoding="utf-8")
    third = ray.ingest([copy])
    assert (third.documents, third.replaced, third.skipped, third.failed) == (1, 1, 4, 0)
    assert {stage: ray.totals.documents[stage] for stage in ("load", "chunk", "extract", "embed")} == {
        "load": 5,
        "chunk": 1,
        "extract": 1,
        "embed": 1,
    }, "the stages worked on the changed document only"
    (document,) = [
        found for found in load_paths([copy]) if isinstance(found, Document) and found.source == str(changed.resolve())
    ]
    assert empty_graph.query("document_hashes", ids=[document.id])[0]["sha256"] == document.sha256
    assert all(check.ok for check in check_indexes(settings, empty_graph))


def test_a_stage_per_step_builds_the_same_graph(
    cluster: RayCluster,
    one_process: Fingerprint,
    pipeline: IngestPipeline,
    empty_graph: GraphStore,
    corpus: Path,
    tmp_path: Path,
) -> None:
    """The plan of a larger cluster (chunking, extraction and embedding in actor pools of their own, each handing
    its documents to the next) on this module's local Ray."""
    plan = StagePlan(
        load_cpus=0.1,
        stages=[
            StageSpec(steps=("chunk",), actors=1, cpus=0.2),
            StageSpec(steps=("extract",), actors=1, cpus=0.6),
            StageSpec(steps=("embed",), actors=1, cpus=0.6),
        ],
    )
    ray = RayIngest(pipeline, cluster, plan=plan)

    report = ray.ingest([shutil.copytree(corpus, tmp_path / corpus.name)])
    assert report.failed == 0 and report.documents == 5
    assert graph_fingerprint(empty_graph) == one_process
    assert ray.totals.chunks["embed"] == report.chunks


@pytest.mark.parametrize(
    ("cpus", "gpus", "stages"),
    [
        (1, 0, [(STEPS, 1)]),
        (2, 0, [(STEPS, 2)]),
        (2, 1, [(("chunk", "extract"), 1), (("embed",), 1)]),
        (4, 0, [(("chunk",), 1), (("extract",), 1), (("embed",), 1)]),
        (5, 0, [(("chunk",), 1), (("extract",), 1), (("embed",), 2)]),
        (4, 1, [(("chunk",), 1), (("extract",), 2), (("embed",), 1)]),
        (16, 0, [(("chunk",), 2), (("extract",), 4), (("embed",), 9)]),
        (16, 2, [(("chunk",), 2), (("extract",), 13), (("embed",), 2)]),
        (64, 8, [(("chunk",), 6), (("extract",), 57), (("embed",), 8)]),
    ],
)
def test_the_plan_fits_the_cluster(cpus: int, gpus: int, stages: list[tuple[tuple[str, ...], int]]) -> None:
    """Every step runs once, in order; the requests fit in the cluster beside one loading task; a GPU embeds."""
    plan = StagePlan.for_cluster(RayCluster(address="local", cpus=cpus, gpus=gpus, local=True))
    assert [(stage.steps, stage.actors) for stage in plan.stages] == stages
    assert [step for stage in plan.stages for step in stage.steps] == list(STEPS)
    assert plan.load_cpus + sum(stage.cpus * stage.actors for stage in plan.stages) <= cpus  # all start at once
    assert sum(stage.gpus * stage.actors for stage in plan.stages) <= gpus
    embedding = plan.stages[-1]
    assert (embedding.gpus, embedding.cpus == 0) == ((1.0, True) if gpus else (0.0, False))


def test_a_document_passed_through_as_unchanged_is_refused_when_the_graph_changed_under_it(
    pipeline: IngestPipeline,
    empty_graph: GraphStore,
    corpus: Path,
) -> None:
    """The first stage found the documents in the graph as they are; by the time they reach the driver the graph no
    longer holds them (another writer deleted them): never chunked, extracted or embedded, they are not written."""
    settings = pipeline.settings
    documents = [found for found in load_paths([corpus / "extra"]) if isinstance(found, Document)]
    stored = {d.id: {"sha256": d.sha256, "graph_version": GRAPH_VERSION} for d in documents}
    works = [DocumentWork.loaded(document, 0.0, stored) for document in documents]
    assert len(works) == 3 and all(work.unchanged and not work.pending for work in works)

    handover = Handover(settings, pipeline.progress)
    rows = [{WORK: work.model_dump_json(), VECTORS: b""} for work in works]
    report = pipeline.ingest_documents(handover.documents(rows), prepare=handover.prepare)
    assert (report.documents, report.skipped) == (0, 0)
    assert [failure.reason for failure in report.failures] == [CHANGED_MEANWHILE] * 3
    assert not any(empty_graph.query("graph_counts")[0].values())


def test_a_jsonl_dataset_on_s3_builds_the_graph_of_the_local_file(
    cluster: RayCluster,
    s3: S3Server,
    neo4j_settings: Settings,
    empty_graph: GraphStore,
    embedder: Embedder,
    extractor: SpacyExtractor,
    corpus: Path,
    tmp_path: Path,
) -> None:
    jsonl = corpus / "wikipedia.jsonl"
    local = IngestPipeline(_settings(neo4j_settings, tmp_path / "local"), store=empty_graph, embedder=embedder,
                           extractor=extractor)  # fmt: skip
    assert local.ingest([jsonl]).documents == len(ARTICLES)
    expected = graph_fingerprint(empty_graph)
    empty_graph.execute("delete_everything")
    client = boto3.client(
        "s3", endpoint_url=s3.endpoint, region_name="us-east-1", aws_access_key_id=s3.access_key,
        aws_secret_access_key=s3.secret_key,
    )  # fmt: skip
    client.upload_file(str(jsonl), s3.bucket, "corpus/part-0.jsonl")

    settings = _settings(neo4j_settings, tmp_path / "data")
    pipeline = IngestPipeline(settings, store=empty_graph, embedder=embedder, extractor=extractor)
    report = RayIngest(pipeline, cluster).ingest([f"s3://{s3.bucket}/corpus"], endpoint=s3.endpoint)
    assert report.failed == 0 and report.documents == len(ARTICLES)
    assert graph_fingerprint(empty_graph) == expected
    assert all(check.ok for check in check_indexes(settings, empty_graph))
    ids = [json.loads(line)["id"] for line in jsonl.read_text(encoding="utf-8").splitlines()]
    sources = {row["source"] for row in empty_graph.query("document_hashes", ids=ids)}
    assert sources == {f"s3://{s3.bucket}/corpus/part-0.jsonl"}


def test_the_command_line_joins_a_cluster_by_address(
    cluster: RayCluster, one_process: Fingerprint, neo4j_settings: Settings, empty_graph: GraphStore, corpus: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    env = _env(neo4j_settings, tmp_path / "data")
    done = run_cli("ingest", str(corpus), "--ray-address", cluster.address, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ingest summary" in done.stdout and "documents written" in done.stdout
    assert graph_fingerprint(empty_graph) == one_process

    checked = run_cli("index", "check", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_unreachable_address_is_one_error_line_and_writes_nothing(
    neo4j_settings: Settings, empty_graph: GraphStore, corpus: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    address = f"127.0.0.1:{free_port()}"
    refused = run_cli("ingest", str(corpus), "--ray-address", address, env=_env(neo4j_settings, data))
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and address in lines[0], refused.stderr
    assert not any(empty_graph.query("graph_counts")[0].values())
    assert not (data / "index").exists()


def test_ray_missing_is_one_error_line_that_says_how_to_install_it(neo4j_settings: Settings, tmp_path: Path) -> None:
    hide_ray = (
        "import sys; sys.modules['ray'] = None; from trellis.api.cli.app import main; sys.argv[0] = 'trellis'; main()"
    )
    refused = subprocess.run(
        [sys.executable, "-c", hide_ray, "ingest", str(tmp_path), "--ray"],
        env=_env(neo4j_settings, tmp_path / "data"), capture_output=True, text=True, timeout=300, cwd=REPO,
        check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "pip install" in lines[0], refused.stderr


def _env(neo4j_settings: Settings, data_dir: Path) -> dict[str, str]:
    return settings_env(
        neo4j_settings,
        TRELLIS_DATA_DIR=str(data_dir),
        NEO4J_PASSWORD=resolve_password(neo4j_settings),
        TRELLIS_INGEST_BATCH_DOCUMENTS=str(BATCH),
        TRELLIS_DEVICE="cpu",
    )
