"""The ingest story, top to bottom: load -> chunk -> extract -> embed -> resolve -> assemble -> write Neo4j -> FAISS.

:meth:`IngestPipeline.ingest_batch` tells it for one batch, each stage in turn; the stages follow it in the order they
run. By default the batches run overlapped (:mod:`kg.ingest.overlap`: three threads, the same stage methods), which
changes when each stage runs, never what it does.

Each batch lands in Neo4j in one transaction, then its vectors go to FAISS and the index is saved, so after any
failure Neo4j and FAISS hold the same chunk ids (``trellis index check`` proves it); a crash between the two is noted
in the journal (:mod:`kg.ingest.journal`) and repaired by the next writer. A document that fails a stage is
reported and left out, the rest of its batch still lands (:func:`kg.ingest.steps.isolating`). An unchanged document
(same content hash, built by this graph model: :func:`~kg.ingest.writer.unchanged`) is skipped; a changed one,
or one an older graph model built, replaces its old version. A file that a graph built by an earlier Trellis holds
under its old id (a hash of its absolute path, same source) replaces that document too, so upgrading never
duplicates a document.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from time import perf_counter

import numpy as np

from trellis.kg.failpoints import failpoint
from trellis.kg.graph import GraphStore, Record, apply_schema
from trellis.kg.ingest import journal
from trellis.kg.ingest.assembly import document_graph, entity_of, remember, surface_forms
from trellis.kg.ingest.batches import Extracted, IngestRun, Prepare
from trellis.kg.ingest.chunking import Chunker, new_token_counter
from trellis.kg.ingest.extraction import Extractor
from trellis.kg.ingest.extraction.relations import CO_OCCURS_WITH
from trellis.kg.ingest.extraction.schema import Typed, load_schema
from trellis.kg.ingest.loaders import LoadFailure, load_paths
from trellis.kg.ingest.loaders.base import legacy_document_id
from trellis.kg.ingest.overlap import OverlappedIngest
from trellis.kg.ingest.report import IngestReport
from trellis.kg.ingest.resolution import EntityResolver, KnownEntity
from trellis.kg.ingest.steps import each_alone, embed_chunks, extract_isolating, extractor_from, isolating
from trellis.kg.ingest.writer import GraphWriter, Removal, unchanged
from trellis.kg.lock import index_lock
from trellis.kg.progress import Progress, QuietProgress
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, Document, DocumentGraph, ExtractionResult, Relation
from trellis.kg.vectors import Embedder, VectorIndex
from trellis.kg.vectors.index import open_indexes

__all__ = ["IngestPipeline"]

logger = logging.getLogger(__name__)


class IngestPipeline:
    """Turns files into the knowledge graph and the vector indexes."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: GraphStore,
        embedder: Embedder | None = None,
        extractor: Extractor | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder or Embedder(settings)
        self.chunker = Chunker(
            max_tokens=settings.chunk_max_tokens,
            overlap_tokens=settings.chunk_overlap_tokens,
            # a tokenizer of its own: chunking runs beside the build thread, which holds the embedder's lock
            count_tokens=new_token_counter(self.embedder.model_path),
            max_chunks=settings.max_document_chunks,
        )
        self.extractor = extractor or extractor_from(settings)
        self.resolver = EntityResolver.from_settings(settings, embed=self.embedder.embed)
        self.schema = load_schema()
        self.writer = GraphWriter(store)
        self.progress: Progress = progress or QuietProgress()

    def ingest(
        self, paths: Sequence[Path | str], *, include: Sequence[str] | None = None, exclude: Sequence[str] | None = None
    ) -> IngestReport:
        """Ingest every document under ``paths``; bad files are reported in the result, the rest still lands."""
        exclude = list(exclude) if exclude is not None else self.settings.ingest_exclude
        loaded = load_paths(paths, include=include, exclude=exclude, max_bytes=self.settings.max_document_bytes)
        return self.ingest_documents(loaded)

    def ingest_documents(
        self, loaded: Iterable[Document | LoadFailure], *, prepare: Prepare | None = None, overlap: bool = True
    ) -> IngestReport:
        """Ingest loaded documents, in order and in batches of ``ingest_batch_documents``, each as
        :meth:`ingest_batch` tells it. ``overlap`` (the default) runs the batches' stages in three threads
        (:class:`~kg.ingest.overlap.OverlappedIngest`); ``prepare`` replaces the chunking, extraction and embedding
        (the Ray path hands over what its stages did), and is always overlapped."""
        report = IngestReport()
        began = perf_counter()
        with index_lock(self.settings):
            run = self._open(report)
            batches = _batched(self.load(loaded, report), self.settings.ingest_batch_documents)
            if overlap or prepare is not None:
                OverlappedIngest(self, run, prepare=prepare).run(batches)
            else:
                for batch in batches:
                    self.ingest_batch(batch, run)
        report.seconds = perf_counter() - began
        return report

    def ingest_batch(self, batch: list[Document], run: IngestRun) -> None:
        """One batch, each stage in turn: skip the unchanged, chunk, extract, embed, resolve and assemble, write
        Neo4j then FAISS. A document that fails a stage is reported in ``run.report`` and goes no further; the
        others go on (:func:`~kg.ingest.steps.isolating`)."""
        report, failures = run.report, run.report.failures
        documents, replaces = self.new_or_changed(batch, report)
        chunks = each_alone(lambda document: self.chunk(document, report), documents, failures)
        documents = [document for document in documents if document.id in chunks]
        extractions = self.extract(documents, chunks, report) if documents else {}
        documents = [document for document in documents if all(c.id in extractions for c in chunks[document.id])]
        vectors = each_alone(lambda document: self.embed(chunks[document.id], report), documents, failures)
        documents = [document for document in documents if document.id in vectors]
        graphs = self.build(Extracted(documents, chunks, extractions, vectors), run)  # resolve, then assemble
        if graphs:
            self.write(graphs, replaces, run)  # Neo4j, then FAISS

    def delete(self, document_ids: Sequence[str]) -> Removal:
        """Remove documents and exactly the support they gave, from Neo4j and from FAISS."""
        with index_lock(self.settings):
            chunk_index, entity_index = open_indexes(self.settings)
            journal.repair(self.settings, self.store, chunk_index, entity_index)
            journal.begin(self.settings, document_ids)
            removal = self.writer.delete(document_ids)
            _apply_removal(removal, chunk_index, entity_index)
            journal.end(self.settings)
        return removal

    # --- the stages, in the order they run -------------------------------------------------------------------

    def _open(self, report: IngestReport) -> IngestRun:
        """The schema applied (idempotent: a fresh database gets its constraints and indexes first), the indexes
        opened, and a batch a crash left half-written repaired. Call it holding the index lock."""
        apply_schema(self.store)
        chunk_index, entity_index = open_indexes(self.settings)
        journal.repair(self.settings, self.store, chunk_index, entity_index)
        return IngestRun(report, chunk_index, entity_index)

    def load(self, loaded: Iterable[Document | LoadFailure], report: IngestReport) -> Iterator[Document]:
        """The loaded documents, timed as they are read; the files that could not be loaded go to the report."""
        self.progress.stage("load", 0)
        iterator = iter(loaded)
        while True:
            with report.timed("load"):
                item = next(iterator, None)
            if item is None:
                return
            self.progress.advance("load")
            failpoint(self.settings, "ingest.loaded")
            if isinstance(item, LoadFailure):
                logger.info("skipped %s", item)
                report.failures.append(item)
            else:
                yield item

    def new_or_changed(self, documents: list[Document], report: IngestReport) -> tuple[list[Document], dict[str, str]]:
        """The documents to write, and for those Neo4j holds an older version of, that version's id.

        The older version is the document's own id when its text changed, or the id an earlier Trellis gave the
        same file (hashed from the absolute path it still has as its source) when the graph does not know the
        document's id yet: that one is replaced (re-built under the new id), never left beside it as a duplicate.
        """
        legacy = {document.id: legacy_document_id(document) for document in documents}
        ids = {document.id for document in documents} | {old for old in legacy.values() if old}
        rows = {row["id"]: row for row in self.store.query("document_hashes", ids=sorted(ids))}
        fresh: list[Document] = []
        replaces: dict[str, str] = {}
        for document in documents:
            row = rows.get(document.id)
            if unchanged(document, row):
                continue
            fresh.append(document)
            if row is not None:
                replaces[document.id] = document.id
            elif (old := _migrated_from(document, legacy[document.id], rows)) is not None:
                replaces[document.id] = old
        report.skipped += len(documents) - len(fresh)
        return fresh, replaces

    def chunk(self, document: Document, report: IngestReport) -> list[Chunk]:
        """The document's chunks (an :class:`~kg.errors.IngestError` when it cannot be chunked)."""
        with report.timed("chunk"):
            return self.chunker.run(document)

    def extract(
        self, documents: list[Document], chunks: dict[str, list[Chunk]], report: IngestReport
    ) -> dict[str, ExtractionResult]:
        """Each chunk's entities and relations, by chunk id; a document the extractor fails on is reported, its
        chunks missing from the result."""
        everything = sum(len(chunks[document.id]) for document in documents)
        self.progress.stage("extract", everything)
        with report.timed("extract"):
            extractions = extract_isolating(self.extractor, documents, chunks, report.failures)
        self.progress.advance("extract", everything)
        failpoint(self.settings, "ingest.extracted")
        return extractions

    def embed(self, chunks: list[Chunk], report: IngestReport) -> np.ndarray:
        """A row per chunk (a :class:`~kg.errors.ModelError` when the model fails on them)."""
        self.progress.stage("embed", len(chunks))
        with report.timed("embed"):
            vectors = embed_chunks(self.embedder, chunks)
        self.progress.advance("embed", len(chunks))
        return vectors

    def build(self, batch: Extracted, run: IngestRun) -> list[DocumentGraph]:
        """The documents' graphs, their entities resolved against those known (the graph's, then each batch's);
        when one document fails, the others are built alone and it is reported."""
        if not batch.documents:
            return []
        if not run.known_loaded:  # read once, when the first batch has something to build
            run.known.update((row["id"], KnownEntity.from_row(row)) for row in self.store.query("known_entities"))
            run.known_loaded = True
        built = isolating(lambda alone: self._graphs(batch.only(alone), run), batch.documents, run.report.failures)
        graphs = [built[document.id] for document in batch.documents if document.id in built]
        if graphs:
            remember(graphs, run.known)  # later batches resolve against them: they are written first
            self.progress.stage("write", len(graphs))
        return graphs

    def _graphs(self, batch: Extracted, run: IngestRun) -> dict[str, DocumentGraph]:
        """Resolve the documents' entities in one call, then assemble each one's graph."""
        documents, chunks, extractions, vectors = batch.documents, batch.chunks, batch.extractions, batch.vectors
        results = {d.id: [extractions[c.id] for c in chunks[d.id]] for d in documents}
        with run.report.timed("resolve"):
            mentions = surface_forms(result for found in results.values() for result in found)
            titles = [d.title for d in documents if d.title]
            resolution = self.resolver.run(mentions, run.known.values(), titles=titles)
        run.report.entities += sum(1 for entity in resolution.entities if entity.status == "new")
        resolved = entity_of(mentions, resolution)
        self.schema.type_all(  # the batch's phrases that no rule types are embedded in one call, not one by one
            (
                (r.predicate, r.subject_type, r.object_type)
                for found in results.values()
                for result in found
                for r in result.relations
                if r.predicate != CO_OCCURS_WITH
            ),
            embed=self.embedder.embed,
        )
        return {
            d.id: document_graph(
                d, chunks[d.id], vectors[d.id].tolist(), results[d.id], resolution, resolved, self._type_of
            )
            for d in documents
        }

    def _type_of(self, relation: Relation) -> Typed:
        """A relation's canonical type: by the schema's rules, else by meaning with the embedder."""
        return self.schema.type_of(
            relation.predicate, relation.subject_type, relation.object_type, embed=self.embedder.embed
        )

    def write(self, graphs: list[DocumentGraph], replaces: dict[str, str], run: IngestRun) -> None:
        """Write one batch to Neo4j in one transaction, then its vectors to FAISS (saved atomically); the journal
        holds the batch in between, so a crash there is repaired by whoever takes the index lock next."""
        report = run.report
        with report.timed("write"):
            replacing = [replaces[graph.document.id] for graph in graphs if graph.document.id in replaces]
            journal.begin(self.settings, [graph.document.id for graph in graphs] + replacing)
            removal = self.writer.write(graphs, replacing=replacing)
        failpoint(self.settings, "ingest.neo4j-committed")
        self.progress.advance("write", len(graphs))
        with report.timed("index"):
            _apply_removal(removal, run.chunk_index, run.entity_index, save=False)
            for graph in graphs:
                if graph.chunks:
                    vectors = np.asarray(graph.chunk_embeddings, dtype=np.float32)
                    run.chunk_index.add([c.id for c in graph.chunks], vectors)
            fresh = {e.id: e for graph in graphs for e in graph.entities if e.embedding is not None}
            if fresh:
                vectors = np.asarray([e.embedding for e in fresh.values()], dtype=np.float32)
                run.entity_index.add(list(fresh), vectors)
            run.chunk_index.save()
            failpoint(self.settings, "ingest.faiss-chunks-saved")
            run.entity_index.save()
        journal.end(self.settings)
        report.documents += len(graphs)
        report.replaced += len(replacing)
        report.chunks += sum(len(graph.chunks) for graph in graphs)
        report.relations += sum(len(graph.relations) for graph in graphs)
        report.tokens += sum(len(graph.document.text.split()) for graph in graphs)


def _batched(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _migrated_from(document: Document, old: str | None, rows: dict[str, Record]) -> str | None:
    """The id an earlier Trellis gave the document's file (``old``), when the graph holds it from the same source."""
    if old and (row := rows.get(old)) is not None and row["source"] == document.source:
        logger.info("%s: replacing %s, its id from an earlier Trellis, by %s", document.source, old, document.id)
        return old
    return None


def _apply_removal(removal: Removal, chunks: VectorIndex, entities: VectorIndex, *, save: bool = True) -> None:
    chunks.remove(removal.chunk_ids)
    entities.remove(removal.entity_ids)
    if save:
        chunks.save()
        entities.save()
