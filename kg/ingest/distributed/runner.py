"""An ingest on Ray: loading, chunking, extraction and embedding as Ray Data stages, the rest in this process.

The stages stream each document's work back in load order; the pipeline (:mod:`kg.ingest.pipeline`) batches it,
skips the unchanged, resolves entities and writes Neo4j and FAISS in order, in this process, exactly as it does
when it runs everything itself: same batches, same resolution order, same writes, same journal. So the graph is
the one a single-process ingest builds, and an interrupted run is repaired as one.

Before the stages run, the driver reads what the graph holds of every document (content hash, graph-model
version); the first stage marks each document the graph holds as it is, and the later stages pass it through
without chunking, extracting or embedding it, so re-ingesting an unchanged corpus costs its loading only. The
pipeline still decides, by the same rule (:func:`~kg.ingest.writer.unchanged`), against the graph as it is when
the document's batch comes: unchanged, it is skipped; changed meanwhile, the handover refuses it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from trellis.kg.errors import ConfigurationError, IngestError, TrellisError
from trellis.kg.graph import GraphStore
from trellis.kg.ingest.distributed.cluster import RayCluster, require_ray
from trellis.kg.ingest.distributed.handover import Handover, StageTotals
from trellis.kg.ingest.distributed.sources import Corpus, read_corpus
from trellis.kg.ingest.distributed.stages import StagePlan, add_stages
from trellis.kg.ingest.distributed.work import StageConfig
from trellis.kg.ingest.journal import pages
from trellis.kg.ingest.loaders.paths import unique_ids
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.ingest.report import IngestReport

__all__ = ["RayIngest"]

_BLOCK_BYTES = 16 * 1024
"""A stage hands on its output once it holds this much: Ray's default, 128 MiB, holds a small corpus's every document
in one block, so each stage would wait for the whole corpus before the next began. A block is one task of the next
stage, so this also bounds an actor's task: a couple of long documents, or short ones up to this size."""


class RayIngest:
    """Ingest with ``pipeline``'s settings, store and progress, its per-document work done on ``cluster``."""

    def __init__(self, pipeline: IngestPipeline, cluster: RayCluster, *, plan: StagePlan | None = None) -> None:
        self.pipeline = pipeline
        self.cluster = cluster
        self.plan = plan or StagePlan.for_cluster(cluster)
        self.totals = StageTotals()
        """Worker seconds and volumes per stage of the last ingest (for throughput figures)."""

    def ingest(
        self,
        paths: Sequence[Path | str],
        *,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        endpoint: str | None = None,
    ) -> IngestReport:
        """Ingest local files and folders, or one dataset URI (``s3://...``, at ``endpoint`` if given)."""
        settings = self.pipeline.settings
        if settings.llm_extraction:
            raise ConfigurationError("--ray extracts with spaCy: unset TRELLIS_LLM_EXTRACTION, or ingest without --ray")
        corpus = Corpus(
            paths=[str(path) for path in paths],
            include=list(include) if include else None,
            exclude=list(exclude) if exclude is not None else settings.ingest_exclude,
            endpoint=endpoint,
            max_bytes=settings.max_document_bytes,
            load_cpus=self.plan.load_cpus,
        )
        _in_order()
        stored = _stored(self.pipeline.store)
        dataset = add_stages(read_corpus(corpus, stored=stored), config=StageConfig.of(settings), plan=self.plan)
        handover = Handover(settings, self.pipeline.progress)
        self.totals = handover.totals
        loaded = unique_ids(handover.documents(_rows(dataset)))
        return self.pipeline.ingest_documents(loaded, prepare=handover.prepare)


def _stored(store: GraphStore) -> dict[str, dict[str, Any]]:
    """What the graph holds of each document, by id (``document_hashes_page``): what the first stage compares the
    loaded documents against."""
    return {
        str(row["id"]): {"sha256": row["sha256"], "graph_version": row["graph_version"]}
        for page in pages(store, "document_hashes_page")
        for row in page
    }


def _in_order() -> None:
    """Ray Data keeps the rows in input order (the writes must be in load order), draws no bars of its own (the
    pipeline's progress shows) and leaves its tuning hints to Ray's logs."""
    from ray.data import DataContext

    context = DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.target_max_block_size = _BLOCK_BYTES
    context.issue_detectors_config.detectors = []


def _rows(dataset: Any) -> Iterator[dict[str, Any]]:
    """The dataset's rows; a stage's failure as the Trellis error behind it, or one IngestError line."""
    ray = require_ray()
    try:
        yield from dataset.iter_rows()
    except (ray.exceptions.RayError, ray.data.exceptions.UserCodeException) as exc:
        cause = _trellis_cause(exc)
        if cause is not None:
            raise cause from None
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        raise IngestError(f"a Ray stage failed: {first}") from exc


def _trellis_cause(error: BaseException) -> TrellisError | None:
    """The Trellis error a stage raised, out of the Ray errors that wrap it (``cause``, ``__cause__``)."""
    ray = require_ray()
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TrellisError) and not isinstance(current, ray.exceptions.RayError):
            return current
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__
    return None
