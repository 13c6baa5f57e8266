"""The ingest story, top to bottom: load -> chunk -> extract | embed -> resolve -> write Neo4j -> update FAISS.

Documents flow in batches. Each batch lands in Neo4j in one transaction, then its vectors go to FAISS and the index
is saved, so after any failure Neo4j and FAISS hold the same chunk ids (``trellis index check`` proves it); a crash
between the two is noted in the journal (:mod:`kg.ingest.journal`) and repaired by the next writer. An
unchanged document (same content hash, built by this graph model: :data:`~kg.ingest.writer.GRAPH_VERSION`) is
skipped; a changed one, or one an older graph model built, replaces its old version. A file that a graph built by
an earlier Trellis holds under its old id (a hash of its absolute path, same source) replaces that document too, so
upgrading never duplicates a document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from itertools import islice
from pathlib import Path
from time import perf_counter

import numpy as np

from kg.errors import GraphError, TrellisError
from kg.failpoints import failpoint
from kg.graph import GraphStore, apply_schema
from kg.ingest import journal
from kg.ingest.assembly import document_graph, entity_of, remember, surface_forms
from kg.ingest.batches import IngestRun, PreparedBatch
from kg.ingest.chunking import Chunker, new_token_counter
from kg.ingest.extraction import Extractor, SpacyExtractor
from kg.ingest.extraction.relations import CO_OCCURS_WITH
from kg.ingest.extraction.schema import Typed, load_schema
from kg.ingest.loaders import LoadFailure, load_paths
from kg.ingest.loaders.base import legacy_document_id
from kg.ingest.lock import index_lock
from kg.ingest.report import IngestProgress, IngestReport
from kg.ingest.resolution import EntityResolver, KnownEntity
from kg.ingest.steps import chunk_or_failure, embed_chunks, extract_isolating, extractor_from
from kg.ingest.writer import GRAPH_VERSION, GraphWriter, Removal
from kg.settings import Settings
from kg.types import Chunk, Document, DocumentGraph, Relation
from kg.vectors import Embedder, VectorIndex
from kg.vectors.index import open_indexes

__all__ = ["IngestPipeline", "Prepare"]

logger = logging.getLogger(__name__)

Prepare = Callable[[list[Document], dict[str, str], ThreadPoolExecutor, IngestRun], PreparedBatch | None]
"""Turns a batch of new or changed documents into a :class:`PreparedBatch` (chunked, extracted, vectors on their
way): ``(documents, replaces, build thread, run)``. :meth:`IngestPipeline._prepare` does the work in this process;
the Ray path (:mod:`kg.ingest.distributed`) hands over what its stages did."""


def _batched(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _NoProgress:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, amount: int = 1) -> None:
        pass


class IngestPipeline:
    """Turns files into the knowledge graph and the vector indexes."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: GraphStore,
        embedder: Embedder | None = None,
        extractor: Extractor | None = None,
        progress: IngestProgress | None = None,
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
        self.progress: IngestProgress = progress or _NoProgress()

    def ingest(
        self, paths: Sequence[Path | str], *, include: Sequence[str] | None = None, exclude: Sequence[str] | None = None
    ) -> IngestReport:
        """Ingest every document under ``paths``; bad files are reported in the result, the rest still lands.

        Batches move through three threads, each taking them in order: this one chunks and extracts (spaCy), the
        build thread embeds the chunks and resolves the entities, the write thread writes Neo4j and then FAISS.
        spaCy and torch spend most of their time outside the GIL, so a batch's extraction overlaps the embedding
        of its chunks, and the next batch's extraction overlaps its entity resolution and its write.
        """
        exclude = list(exclude) if exclude is not None else self.settings.ingest_exclude
        loaded = load_paths(paths, include=include, exclude=exclude, max_bytes=self.settings.max_document_bytes)
        return self.ingest_documents(loaded)

    def ingest_documents(
        self, loaded: Iterable[Document | LoadFailure], *, prepare: Prepare | None = None
    ) -> IngestReport:
        """Ingest loaded documents, in order and in batches: skip the unchanged, ``prepare`` the rest (by default
        :meth:`_prepare`, in this process), then resolve and write each batch as :meth:`ingest` describes."""
        prepare = prepare or self._prepare
        report = IngestReport()
        began = perf_counter()
        with (
            index_lock(self.settings),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-write") as writes,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-build") as builds,
        ):
            apply_schema(self.store)  # idempotent: a fresh database gets its constraints and indexes first
            chunk_index, entity_index = open_indexes(self.settings)
            journal.repair(self.settings, self.store, chunk_index, entity_index)  # a batch a crash left half-written
            run = IngestRun(report, writes, chunk_index, entity_index)
            try:
                for batch in _batched(self._timed_loading(loaded, report), self.settings.ingest_batch_documents):
                    if run.in_flight() & {document.id for document in batch}:
                        run.settle(builds_ahead=0, drain=True)  # its earlier version lands before hashes are compared
                    documents, replaces = self._new_or_changed(batch, report)
                    prepared = prepare(documents, replaces, builds, run) if documents else None
                    if prepared is not None:
                        run.add(prepared.ids, builds.submit(self._finish, prepared, run))
                    run.settle(builds_ahead=1)
                run.settle(builds_ahead=0, drain=True)
            except BaseException:
                run.abort.set()  # batches still queued behind the failure are not written
                raise
            finally:
                run.cores.restore()
        report.seconds = perf_counter() - began
        return report

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

    # --- stages ---------------------------------------------------------------------------------------------

    def _timed_loading(self, loaded: Iterable[Document | LoadFailure], report: IngestReport) -> Iterator[Document]:
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

    def _new_or_changed(self, documents: list[Document], report: IngestReport) -> tuple[list[Document], dict[str, str]]:
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
            if (row := rows.get(document.id)) is not None:
                if row["sha256"] != document.sha256 or row["graph_version"] != GRAPH_VERSION:
                    fresh.append(document)
                    replaces[document.id] = document.id
                continue
            fresh.append(document)
            old = legacy[document.id]
            if old and (row := rows.get(old)) is not None and row["source"] == document.source:
                logger.info(
                    "%s: replacing %s, its id from an earlier Trellis, by %s", document.source, old, document.id
                )
                replaces[document.id] = old
        report.skipped += len(documents) - len(fresh)
        return fresh, replaces

    def _write(
        self,
        graphs: list[DocumentGraph],
        replaces: dict[str, str],
        chunk_index: VectorIndex,
        entity_index: VectorIndex,
        report: IngestReport,
    ) -> None:
        """Write one batch to Neo4j in one transaction, then its vectors to FAISS (saved atomically); the journal
        holds the batch in between, so a crash there is repaired by whoever takes the index lock next."""
        with report.timed("write"):
            replacing = [replaces[graph.document.id] for graph in graphs if graph.document.id in replaces]
            journal.begin(self.settings, [graph.document.id for graph in graphs] + replacing)
            removal = self.writer.write(graphs, replacing=replacing)
        failpoint(self.settings, "ingest.neo4j-committed")
        self.progress.advance("write", len(graphs))
        with report.timed("index"):
            _apply_removal(removal, chunk_index, entity_index, save=False)
            for graph in graphs:
                if graph.chunks:
                    chunk_index.add([c.id for c in graph.chunks], np.asarray(graph.chunk_embeddings, dtype=np.float32))
            fresh = {e.id: e for graph in graphs for e in graph.entities if e.embedding is not None}
            if fresh:
                entity_index.add(list(fresh), np.asarray([e.embedding for e in fresh.values()], dtype=np.float32))
            chunk_index.save()
            failpoint(self.settings, "ingest.faiss-chunks-saved")
            entity_index.save()
        journal.end(self.settings)
        report.documents += len(graphs)
        report.replaced += len(replacing)
        report.chunks += sum(len(graph.chunks) for graph in graphs)
        report.relations += sum(len(graph.relations) for graph in graphs)
        report.tokens += sum(len(graph.document.text.split()) for graph in graphs)

    def _prepare(
        self, documents: list[Document], replaces: dict[str, str], builds: ThreadPoolExecutor, run: IngestRun
    ) -> PreparedBatch | None:
        """This thread's part of a batch: chunk, hand the chunks to the build thread to embed, then extract."""
        report = run.report
        chunks: dict[str, list[Chunk]] = {}
        vectors: dict[str, Future[np.ndarray]] = {}
        for document in documents:
            with report.timed("chunk"):
                found = chunk_or_failure(self.chunker, document)
            if isinstance(found, LoadFailure):
                report.failures.append(found)
                continue
            chunks[document.id] = found
            # each document's chunks are embedded as soon as they exist, while the rest is chunked and extracted
            vectors[document.id] = builds.submit(self._embed_chunks, chunks[document.id], run)
        documents = [document for document in documents if document.id in chunks]
        if not documents:
            return None
        everything = sum(len(chunks[document.id]) for document in documents)
        self.progress.stage("extract", everything)
        with report.timed("extract"), self._beside_embedding(run):
            extractions = extract_isolating(self.extractor, documents, chunks, report.failures)
        self.progress.advance("extract", everything)
        failpoint(self.settings, "ingest.extracted")
        kept = [document for document in documents if all(c.id in extractions for c in chunks[document.id])]
        return PreparedBatch(kept, replaces, chunks, extractions, vectors) if kept else None

    def _beside_embedding(self, run: IngestRun) -> AbstractContextManager[None]:
        """spaCy takes a core of the embedder's while it runs (an LLM extractor waits on the network: none)."""
        return run.cores.busy() if isinstance(self.extractor, SpacyExtractor) else nullcontext()

    def _embed_chunks(self, chunks: list[Chunk], run: IngestRun) -> np.ndarray:
        self.progress.stage("embed", len(chunks))
        run.cores.adjust()
        with run.report.timed("embed"):
            vectors = embed_chunks(self.embedder, chunks)
        self.progress.advance("embed", len(chunks))
        return vectors

    def _finish(self, prepared: PreparedBatch, run: IngestRun) -> Future[None] | None:
        """The build thread's part of a batch: resolve its entities, put its graphs together, hand them to the
        write thread. Returns the write's future (None when nothing is left to write)."""
        if run.abort.is_set():
            return None
        report = run.report
        if not run.known_loaded:  # read once, when the first batch has something to build
            run.known.update((row["id"], KnownEntity.from_row(row)) for row in self.store.query("known_entities"))
            run.known_loaded = True
        vectors: dict[str, list[list[float]]] = {}
        for document in prepared.documents:
            try:
                vectors[document.id] = prepared.vectors[document.id].result().tolist()
            except GraphError:
                raise
            except TrellisError as exc:  # the model failed on this document's chunks
                report.failures.append(LoadFailure(source=document.source, reason=str(exc)))
        documents = [document for document in prepared.documents if document.id in vectors]
        graphs = self._graphs_isolating(prepared, documents, vectors, run)
        if not graphs or run.abort.is_set():
            return None
        remember(graphs, run.known)
        self.progress.stage("write", len(graphs))
        return run.writes.submit(self._write_unless_aborted, graphs, prepared.replaces, run)

    def _graphs_isolating(
        self, prepared: PreparedBatch, documents: list[Document], vectors: dict[str, list[list[float]]], run: IngestRun
    ) -> list[DocumentGraph]:
        """The documents' graphs; when one document fails, the others are built alone and it is reported."""
        try:
            return self._graphs(prepared, documents, vectors, run)
        except GraphError:
            raise
        except TrellisError as exc:
            if len(documents) == 1:
                run.report.failures.append(LoadFailure(source=documents[0].source, reason=str(exc)))
                return []
            return [g for d in documents for g in self._graphs_isolating(prepared, [d], vectors, run)]

    def _graphs(
        self, prepared: PreparedBatch, documents: list[Document], vectors: dict[str, list[list[float]]], run: IngestRun
    ) -> list[DocumentGraph]:
        results = {d.id: [prepared.extractions[c.id] for c in prepared.chunks[d.id]] for d in documents}
        with run.report.timed("resolve"):
            mentions = surface_forms(result for found in results.values() for result in found)
            run.cores.adjust()  # the names are embedded in the resolver
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
        graphs = []
        for document in documents:
            chunks = prepared.chunks[document.id]
            graphs.append(
                document_graph(
                    document, chunks, vectors[document.id], results[document.id], resolution, resolved, self._type_of
                )
            )
        return graphs

    def _type_of(self, relation: Relation) -> Typed:
        """A relation's canonical type: by the schema's rules, else by meaning with the embedder."""
        return self.schema.type_of(
            relation.predicate, relation.subject_type, relation.object_type, embed=self.embedder.embed
        )

    def _write_unless_aborted(self, graphs: list[DocumentGraph], replaces: dict[str, str], run: IngestRun) -> None:
        if run.abort.is_set():
            return
        try:
            self._write(graphs, replaces, run.chunk_index, run.entity_index, run.report)
        except BaseException:
            run.abort.set()  # the batches behind this one are not written either
            raise


def _apply_removal(removal: Removal, chunks: VectorIndex, entities: VectorIndex, *, save: bool = True) -> None:
    chunks.remove(removal.chunk_ids)
    entities.remove(removal.entity_ids)
    if save:
        chunks.save()
        entities.save()
