"""The Ray Data stages after loading: chunk, extract (spaCy), embed. Each is an actor that loads its model once and
calls the same step functions as the single-process pipeline (:mod:`kg.ingest.steps`), so a document comes out
chunked, extracted and embedded exactly as one process would. A document the loading stage marked unchanged is
passed on untouched, and an actor loads its model only when a document needs it: re-ingesting an unchanged corpus
loads no model.

Which steps each stage runs, how many actors it has and what each asks of the cluster is :class:`StagePlan`: on CPUs
embedding takes the most time per token, then extraction (``benchmarks/ray_ingest.py`` measures both); the embedder
takes a GPU where the cluster has them, and chunking and loading are light. On a small machine one actor per CPU
runs all three steps on its documents.
"""

from __future__ import annotations

import math
from functools import cached_property
from time import perf_counter
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from trellis.kg.ingest.chunking import Chunker
from trellis.kg.ingest.distributed.cluster import RayCluster
from trellis.kg.ingest.distributed.work import (
    DOCUMENTS_PER_CALL,
    Batch,
    DocumentWork,
    StageConfig,
    decoded,
    encoded,
)
from trellis.kg.ingest.extraction import Extractor
from trellis.kg.ingest.loaders import LoadFailure
from trellis.kg.ingest.steps import chunk_or_failure, each_alone, embed_chunks, extract_isolating, extractor_from
from trellis.kg.types import Chunk, Document
from trellis.kg.vectors import Embedder

__all__ = ["STEPS", "ChunkStage", "EmbedStage", "ExtractStage", "StagePlan", "StageSpec", "Steps", "add_stages"]

Step = Literal["chunk", "extract", "embed"]

STEPS: tuple[Step, ...] = ("chunk", "extract", "embed")


class StageSpec(BaseModel):
    """One Ray Data stage: the steps its actors run in order, how many actors, and what each asks of the cluster."""

    steps: tuple[Step, ...]
    actors: int
    cpus: float
    gpus: float = 0.0


class StagePlan(BaseModel):
    """The stages after loading, in order, and the CPUs each loading task asks for."""

    load_cpus: float
    stages: list[StageSpec]

    @classmethod
    def for_cluster(cls, cluster: RayCluster) -> StagePlan:
        """On 4 CPUs or more, a stage per step, one CPU an actor: of the whole CPUs left beside the loading tasks,
        chunking gets about 10%, extraction 30% and embedding the rest; with GPUs, one embedding actor per GPU and
        the CPUs for chunking (10%) and extraction.

        On fewer (a local Ray on a small machine) and no GPU, one stage whose actors chunk, extract and embed each
        document themselves, one actor per CPU: every actor process loads its models once per ingest, and on two
        cores four processes would spend the start-up and the hand-offs that one process saves by overlapping its
        steps (``benchmarks/ray_ingest.py``). With a GPU there, chunking and extraction share the CPUs and the
        embedder has the GPU.

        The pools start whole, so together they never ask for more than the cluster has beside the loading tasks:
        a request that cannot be met would wait for ever."""
        cpus = max(cluster.cpus, 1.0)
        gpus = math.floor(cluster.gpus)
        if cpus < 4:
            load = cpus / 20
            if not gpus:
                workers = max(1, math.floor(cpus))
                each = (cpus - load) / workers
                return cls(load_cpus=load, stages=[StageSpec(steps=STEPS, actors=workers, cpus=each)])
            return cls(
                load_cpus=load,
                stages=[
                    StageSpec(steps=("chunk", "extract"), actors=1, cpus=cpus - load),
                    StageSpec(steps=("embed",), actors=1, cpus=0.0, gpus=1.0),
                ],
            )
        load = 0.5
        whole = math.floor(cpus - load)  # at least 3
        chunking = max(1, round(whole * 0.1))
        if gpus:
            embedding = StageSpec(steps=("embed",), actors=gpus, cpus=0.0, gpus=1.0)
            extraction = whole - chunking
        else:
            extraction = max(1, round(whole * 0.3))
            embedding = StageSpec(steps=("embed",), actors=whole - chunking - extraction, cpus=1.0)
        return cls(
            load_cpus=load,
            stages=[
                StageSpec(steps=("chunk",), actors=chunking, cpus=1.0),
                StageSpec(steps=("extract",), actors=extraction, cpus=1.0),
                embedding,
            ],
        )


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


class Steps:
    """An actor that runs some of the steps on each batch, in order (each with its own model, loaded when needed)."""

    def __init__(self, config: StageConfig, steps: tuple[Step, ...]) -> None:
        self.steps = [_STEP_CLASSES[step](config) for step in steps]

    def __call__(self, batch: Batch) -> Batch:
        for step in self.steps:
            batch = step(batch)
        return batch


_STEP_CLASSES: dict[Step, type[ChunkStage] | type[ExtractStage] | type[EmbedStage]] = {
    "chunk": ChunkStage, "extract": ExtractStage, "embed": EmbedStage,
}  # fmt: skip


def add_stages(dataset: Any, *, config: StageConfig, plan: StagePlan) -> Any:
    """``dataset`` (loaded documents) chunked, extracted and embedded, each stage a pool of actors of a fixed size
    (all started at once: a pool grown on demand starts its later actors, and loads their models, mid-ingest).

    An actor is given its next task only when it is free, and a task is small (a block: a couple of documents,
    :data:`~kg.ingest.distributed.runner._BLOCK_BYTES`): an actor holding a queue of tasks would hold documents
    that the driver waits for in order, while another actor sits idle (``docs/scaling.md``)."""
    from ray.data import ActorPoolStrategy

    for stage in plan.stages:
        dataset = dataset.map_batches(
            Steps,
            fn_constructor_kwargs={"config": config, "steps": stage.steps},
            compute=ActorPoolStrategy(size=stage.actors, max_tasks_in_flight_per_actor=1),
            batch_size=DOCUMENTS_PER_CALL,
            batch_format="numpy",
            num_cpus=stage.cpus,
            num_gpus=stage.gpus,
        )
    return dataset
