"""Where an evaluation runs: a throwaway Neo4j holding just the evaluation corpus, or the current graph.

:func:`evaluation_retriever` starts a server in a temporary folder on free ports (:mod:`kg.graph.throwaway`),
ingests the corpus into it with its own vector indexes, and yields a :class:`~retrieval.retriever.Retriever` over
it with the generator the settings name; everything is removed on the way out. With ``current_graph`` it yields
a retriever over the graph and indexes the settings already point at, and ingests nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from trellis.kg.graph import GraphStore
from trellis.kg.graph.throwaway import throwaway_server
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.ingest.report import IngestReport
from trellis.kg.progress import Progress
from trellis.kg.settings import Settings
from trellis.kg.vectors import Embedder
from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.generators import Generator, make_generator
from trellis.retrieval.retriever import Retriever

__all__ = ["evaluation_retriever", "generator_from", "ingest_corpus"]

logger = logging.getLogger(__name__)


def generator_from(settings: Settings) -> Generator:
    """The generator ``settings.generator`` names (extractive, local, openai or langchain)."""
    return make_generator(settings)


def ingest_corpus(
    settings: Settings,
    store: GraphStore,
    corpus: Path,
    *,
    extra: Sequence[Path] = (),
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest the evaluation corpus (a file or folder), then ``extra`` (padding, say), into ``store`` and the
    settings' vector indexes."""
    pipeline = IngestPipeline(settings, store=store, embedder=embedder, progress=progress)
    return pipeline.ingest([corpus, *extra])


@contextmanager
def evaluation_retriever(
    settings: Settings,
    *,
    corpus: Path | None,
    extra: Sequence[Path] = (),
    current_graph: bool = False,
    progress: Progress | None = None,
    heap: str = "2g",
    pagecache: str = "1g",
) -> Iterator[tuple[Retriever, IngestReport | None]]:
    """A retriever over the evaluation corpus (and ``extra``) in a throwaway Neo4j, or over the current graph, and
    the ingest report (None for the current graph). Only the current graph goes without a corpus."""
    if current_graph:
        with Retriever.from_settings(settings) as retriever:  # the generator the settings name
            yield retriever, None
        return
    if corpus is None:
        raise EvaluationDataError("a throwaway graph needs a corpus to ingest")
    with throwaway_server(settings, heap=heap, pagecache=pagecache, prefix="trellis-eval-") as (own, store):
        embedder = Embedder(own)
        report = ingest_corpus(own, store, corpus, extra=extra, embedder=embedder, progress=progress)
        retriever = Retriever(own, store=store, embedder=embedder, generator=generator_from(own))
        yield retriever, report
