"""The Ray Data stages after loading: chunk, extract (spaCy), embed. Each is an actor that loads its model once and
calls the same step functions as the single-process pipeline (:mod:`kg.ingest.steps`), so a document comes out
chunked, extracted and embedded exactly as one process would. A document the loading stage marked unchanged is
passed on untouched, and an actor loads its model only when a document needs it: re-ingesting an unchanged corpus
loads no model.

How many actors each stage may grow to, and what each asks of the cluster, is :class:`StagePlan`: on CPUs embedding
takes the most time per token, then extraction (``benchmarks/ray_ingest.py`` measures both); the embedder takes a
GPU where the cluster has them, and chunking and loading are light.
"""

from __future__ import annotations

import math
from functools import cached_property
from time import perf_counter
from typing import Any

import numpy as np
from pydantic import BaseModel

from trellis.kg.ingest.chunking import Chunker
from trellis.kg.ingest.distributed.cluster import RayCluster
from trellis.kg.ingest.distributed.work import Batch, DocumentWork, StageConfig, decoded, encoded
from trellis.kg.ingest.extraction import Extractor
from trellis.kg.ingest.loaders import LoadFailure
from trellis.kg.ingest.steps import chunk_or_failure, each_alone, embed_chunks, extract_isolating, extractor_from
from trellis.kg.types import Chunk, Document
from trellis.kg.vectors import Embedder

__all__ = ["ChunkStage", "EmbedStage", "ExtractStage", "StagePlan", "add_stages"]

DOCUMENTS_PER_CALL = 8
"""Documents an actor takes per call: enough for spaCy's batches, few enough to keep the stream moving."""


class StagePlan(BaseModel):
    """Per stage: the most actors it may run, and the CPUs (and GPUs) each asks for (loading: each task)."""

    load_cpus: float
    chunk_actors: int
    extract_actors: int
    embed_actors: int
    chunk_cpus: float
    extract_cpus: float
    embed_cpus: float
    embed_gpus: float

    @classmethod
    def for_cluster(cls, cluster: RayCluster) -> StagePlan:
        """Embedding gets about 60% of the CPUs and extraction 30%; with GPUs, embedding one actor per GPU and
        extraction 80%; chunking 10%. On fewer than 4 CPUs (a local Ray) the stages share them with fractional
        requests, one actor each, leaving room for the loading tasks (a request that cannot be met would wait for
        ever)."""
        cpus = max(cluster.cpus, 1.0)
        gpus = math.floor(cluster.gpus)
        if cpus < 4:
            share = cpus / 4  # of 2 CPUs: 0.5 for extraction, 0.5 for embedding, less for the light stages
            return cls(
                load_cpus=share / 3, chunk_actors=1, extract_actors=1, embed_actors=1, chunk_cpus=share / 3,
                extract_cpus=share, embed_cpus=0.0 if gpus else share, embed_gpus=1.0 if gpus else 0.0,
            )  # fmt: skip
        extraction = 0.8 if gpus else 0.3
        return cls(
            load_cpus=0.5, chunk_actors=max(1, round(cpus * 0.1)), extract_actors=max(1, round(cpus * extraction)),
            embed_actors=gpus or max(1, round(cpus * 0.6)), chunk_cpus=1.0, extract_cpus=1.0,
            embed_cpus=1.0, embed_gpus=1.0 if gpus else 0.0,
        )  # fmt: skip


class ChunkStage:
    """Cuts each document into chunks with the embedder's tokenizer."""

    def __init__(self, config: StageConfig) -> None:
        self.config = config

    @cached_property
    def chunker(self) -> Chunker:
        """Loaded with the first document to chunk (none, when every document is unchanged)."""
        return Chunker.from_settings(self.config.settings())

    def __call__(self, batch: Batch) -> Batch:
        works, _ = decoded(batch)
        for work in works:
            if not work.pending:
                continue
            assert work.document is not None
            chunker = self.chunker  # loaded, the first time, before the clock starts: the stage's time is its work
            began = perf_counter()
            found = chunk_or_failure(chunker, work.document)
            work.seconds["chunk"] = perf_counter() - began
            if isinstance(found, LoadFailure):
                work.fail("chunk", found)
            else:
                work.chunks = found
        return encoded(works)


class ExtractStage:
    """Finds entities and relations in every chunk of a call's documents at once (spaCy batches them)."""

    def __init__(self, config: StageConfig) -> None:
        self.config = config

    @cached_property
    def extractor(self) -> Extractor:
        """Loaded with the first documents to extract (none, when every document is unchanged)."""
        return extractor_from(self.config.settings())

    def __call__(self, batch: Batch) -> Batch:
        works, _ = decoded(batch)
        pending = [work for work in works if work.pending]
        if not pending:
            return encoded(works)
        documents: list[Document] = [work.document for work in pending if work.document is not None]
        chunks: dict[str, list[Chunk]] = {work.document.id: work.chunks for work in pending if work.document}
        failures: list[LoadFailure] = []
        extractor = self.extractor  # loaded before the clock starts
        began = perf_counter()
        found = extract_isolating(extractor, documents, chunks, failures)
        share = _shares(pending, perf_counter() - began)
        failed = iter(failures)  # in the order of the documents that failed
        for work, seconds in zip(pending, share, strict=True):
            work.seconds["extract"] = seconds
            if all(chunk.id in found for chunk in work.chunks):
                work.extractions = [found[chunk.id] for chunk in work.chunks]
            else:
                work.fail("extract", next(failed))
        return encoded(works)


class EmbedStage:
    """Embeds each document's chunks in one call of the embedder, as the single-process pipeline does."""

    def __init__(self, config: StageConfig) -> None:
        self.config = config

    @cached_property
    def embedder(self) -> Embedder:
        """Loaded with the first chunks to embed (none, when every document is unchanged)."""
        return Embedder(self.config.settings())

    def __call__(self, batch: Batch) -> Batch:
        works, _ = decoded(batch)
        vectors: list[bytes] = []
        for work in works:
            vectors.append(self._embedded(work) if work.pending else b"")
        return encoded(works, vectors)

    def _embedded(self, work: DocumentWork) -> bytes:
        assert work.document is not None
        embedder = self.embedder  # loaded before the clock starts
        began = perf_counter()
        failures: list[LoadFailure] = []
        embedded = each_alone(lambda _: embed_chunks(embedder, work.chunks), [work.document], failures)
        work.seconds["embed"] = perf_counter() - began
        if failures:  # the model failed on this document's chunks
            work.fail("embed", failures[0])
            return b""
        found = embedded[work.document.id]
        work.dimensions = int(found.shape[1]) if found.size else 0
        return np.ascontiguousarray(found, dtype=np.float32).tobytes()


def _shares(works: list[DocumentWork], seconds: float) -> list[float]:
    """One call's seconds shared among its documents by their chunk counts."""
    counts = [len(work.chunks) for work in works]
    total = sum(counts)
    return [seconds * count / total if total else 0.0 for count in counts]


def add_stages(dataset: Any, *, config: StageConfig, plan: StagePlan) -> Any:
    """``dataset`` (loaded documents) chunked, extracted and embedded, each stage a pool of actors."""
    from ray.data import ActorPoolStrategy

    stages: list[tuple[type, int, float, float]] = [
        (ChunkStage, plan.chunk_actors, plan.chunk_cpus, 0.0),
        (ExtractStage, plan.extract_actors, plan.extract_cpus, 0.0),
        (EmbedStage, plan.embed_actors, plan.embed_cpus, plan.embed_gpus),
    ]
    for stage, actors, cpus, gpus in stages:
        dataset = dataset.map_batches(
            stage,
            fn_constructor_kwargs={"config": config},
            compute=ActorPoolStrategy(min_size=1, max_size=actors),
            batch_size=DOCUMENTS_PER_CALL,
            batch_format="numpy",
            num_cpus=cpus,
            num_gpus=gpus,
        )
    return dataset
