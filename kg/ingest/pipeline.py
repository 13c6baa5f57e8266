"""The ingest story, top to bottom: load -> chunk -> extract -> resolve -> embed -> write Neo4j -> update FAISS.

Documents flow in batches. Each batch lands in Neo4j in one transaction, then its vectors go to FAISS and the index
is saved, so after any failure Neo4j and FAISS hold the same chunk ids (``trellis index check`` proves it). An
unchanged document (same content hash) is skipped; a changed one replaces its old version. A file that a graph built
by an earlier Trellis holds under its old id (a hash of its absolute path, same source) replaces that document too,
so upgrading never duplicates a document.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from time import perf_counter

import numpy as np

from kg.errors import ConfigurationError, GraphError, TrellisError
from kg.graph import GraphStore
from kg.ingest.chunking import Chunker
from kg.ingest.extraction import Extractor, LLMExtractor, SpacyExtractor
from kg.ingest.loaders import LoadFailure, load_paths
from kg.ingest.loaders.base import legacy_document_id
from kg.ingest.report import IngestProgress, IngestReport
from kg.ingest.resolution import EntityResolver, KnownEntity, Mention, Resolution, name_key
from kg.ingest.writer import GraphWriter, Removal
from kg.settings import Settings
from kg.types import Chunk, Document, DocumentGraph, EntityRecord, ExtractionResult, MentionRecord, RelationRecord
from kg.vectors import Embedder, VectorIndex

__all__ = ["IngestPipeline", "index_lock", "open_indexes"]

logger = logging.getLogger(__name__)


@contextmanager
def index_lock(settings: Settings) -> Iterator[None]:
    """One writer at a time for the vector indexes (ingest, delete, rebuild)."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with (settings.index_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_indexes(settings: Settings) -> tuple[VectorIndex, VectorIndex]:
    """The chunk and the entity vector indexes (empty ones when none was saved yet)."""
    return (
        VectorIndex.open(settings, folder=settings.index_dir / "chunks"),
        VectorIndex.open(settings, folder=settings.index_dir / "entities"),
    )


def _extractor_from(settings: Settings) -> Extractor:
    """spaCy by default; a LangChain chat model when ``llm_extraction`` is on."""
    if not settings.llm_extraction:
        return SpacyExtractor.from_settings(settings)
    if not settings.llm_extraction_model:
        raise ConfigurationError(
            "TRELLIS_LLM_EXTRACTION is on but no model is named: set TRELLIS_LLM_EXTRACTION_MODEL "
            "(a langchain init_chat_model string such as openai:gpt-4o-mini)"
        )
    from langchain.chat_models import init_chat_model  # only needed for this optional extractor

    try:
        return LLMExtractor(init_chat_model(settings.llm_extraction_model))
    except (ImportError, ValueError) as exc:
        raise ConfigurationError(f"cannot build chat model {settings.llm_extraction_model!r}: {exc}") from exc


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
            count_tokens=self.embedder.count_tokens,
        )
        self.extractor = extractor or _extractor_from(settings)
        self.resolver = EntityResolver.from_settings(settings, embed=self.embedder.embed)
        self.writer = GraphWriter(store)
        self.progress: IngestProgress = progress or _NoProgress()

    def ingest(
        self, paths: Sequence[Path | str], *, include: Sequence[str] | None = None, exclude: Sequence[str] | None = None
    ) -> IngestReport:
        """Ingest every document under ``paths``; bad files are reported in the result, the rest still lands."""
        report = IngestReport()
        began = perf_counter()
        exclude = list(exclude) if exclude is not None else self.settings.ingest_exclude
        loaded = load_paths(paths, include=include, exclude=exclude, max_bytes=self.settings.max_document_bytes)
        # The write of one batch (Neo4j, then FAISS) runs in a thread while the next batch is built, in order.
        with index_lock(self.settings), ThreadPoolExecutor(max_workers=1, thread_name_prefix="trellis-write") as io:
            chunk_index, entity_index = open_indexes(self.settings)
            known: dict[str, KnownEntity] = {}  # what the graph holds, read once a batch has something to build
            pending: Future[None] | None = None
            in_flight: set[str] = set()
            for batch in _batched(self._timed_loading(loaded, report), self.settings.ingest_batch_documents):
                if pending is not None and in_flight & {document.id for document in batch}:
                    pending.result()  # the same id again: its earlier version lands before hashes are compared
                documents, replaces = self._new_or_changed(batch, report)
                if documents and not known:
                    known.update((entity.id, entity) for entity in self._known_entities())
                graphs = self._build_isolating(documents, known, report) if documents else []
                if pending is not None:
                    pending.result()
                    pending = None
                if graphs:
                    _remember(graphs, known)
                    in_flight = {graph.document.id for graph in graphs}
                    pending = io.submit(self._write, graphs, replaces, chunk_index, entity_index, report)
            if pending is not None:
                pending.result()
        report.seconds = perf_counter() - began
        return report

    def delete(self, document_ids: Sequence[str]) -> Removal:
        """Remove documents and exactly the support they gave, from Neo4j and from FAISS."""
        with index_lock(self.settings):
            chunk_index, entity_index = open_indexes(self.settings)
            removal = self.writer.delete(document_ids)
            _apply_removal(removal, chunk_index, entity_index)
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
                if row["sha256"] != document.sha256:
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

    def _build_isolating(
        self, documents: list[Document], known: dict[str, KnownEntity], report: IngestReport
    ) -> list[DocumentGraph]:
        """The batch's graphs; when one document fails, the others are built alone and it is reported."""
        try:
            return self._build(documents, known, report)
        except GraphError:
            raise
        except TrellisError as exc:
            if len(documents) == 1:
                report.failures.append(LoadFailure(source=documents[0].source, reason=str(exc)))
                return []
            return [graph for document in documents for graph in self._build_isolating([document], known, report)]

    def _write(
        self,
        graphs: list[DocumentGraph],
        replaces: dict[str, str],
        chunk_index: VectorIndex,
        entity_index: VectorIndex,
        report: IngestReport,
    ) -> None:
        """Write one batch to Neo4j in one transaction, then its vectors to FAISS (saved atomically)."""
        with report.timed("write"):
            replacing = [replaces[graph.document.id] for graph in graphs if graph.document.id in replaces]
            removal = self.writer.write(graphs, replacing=replacing)
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
            entity_index.save()
        report.documents += len(graphs)
        report.replaced += len(replacing)
        report.chunks += sum(len(graph.chunks) for graph in graphs)
        report.relations += sum(len(graph.relations) for graph in graphs)
        report.tokens += sum(len(graph.document.text.split()) for graph in graphs)

    def _build(
        self, documents: list[Document], known: dict[str, KnownEntity], report: IngestReport
    ) -> list[DocumentGraph]:
        with report.timed("chunk"):
            chunks = {document.id: self.chunker.run(document) for document in documents}
        everything = [chunk for document in documents for chunk in chunks[document.id]]
        self.progress.stage("extract", len(everything))
        with report.timed("extract"):
            extractions = {result.chunk_id: result for result in self.extractor.extract(everything)}
        self.progress.advance("extract", len(everything))
        with report.timed("resolve"):
            resolution, entity_of = self._resolve(extractions.values(), known)
        report.entities += sum(1 for entity in resolution.entities if entity.status == "new")
        self.progress.stage("embed", len(everything))
        with report.timed("embed"):
            vectors = self.embedder.embed([chunk.text for chunk in everything]) if everything else np.empty((0, 0))
        self.progress.advance("embed", len(everything))
        rows = iter(vectors.tolist())
        graphs = []
        for document in documents:
            document_chunks = chunks[document.id]
            embeddings = [next(rows) for _ in document_chunks]
            results = [extractions[chunk.id] for chunk in document_chunks]
            graphs.append(_document_graph(document, document_chunks, embeddings, results, resolution, entity_of))
        self.progress.stage("write", len(graphs))
        return graphs

    def _resolve(
        self, extractions: Iterable[ExtractionResult], known: dict[str, KnownEntity]
    ) -> tuple[Resolution, dict[tuple[str, str], str]]:
        forms: dict[tuple[str, str], Mention] = {}
        for result in extractions:
            ends = [(m.surface, m.type) for m in result.mentions]
            ends += [(r.subject, r.subject_type) for r in result.relations] + [
                (r.object, r.object_type) for r in result.relations
            ]
            for surface, kind in ends:
                if (surface, kind) not in forms and name_key(surface, kind):  # "#$%" names nothing: dropped
                    forms[(surface, kind)] = Mention(surface=surface, type=kind)
        mentions = list(forms.values())
        resolution = self.resolver.run(mentions, known.values())
        entity_of = {(m.surface, m.type): r.entity_id for m, r in zip(mentions, resolution.mentions, strict=True)}
        return resolution, entity_of

    def _known_entities(self) -> list[KnownEntity]:
        return [
            KnownEntity(
                id=row["id"],
                name=row["name"],
                type=row["type"],
                aliases=tuple(row["aliases"]),
                embedding=tuple(row["embedding"]) if row["embedding"] is not None else None,
            )
            for row in self.store.query("known_entities")
        ]


_NONE = KnownEntity(id="", name="", type="")


def _remember(graphs: list[DocumentGraph], known: dict[str, KnownEntity]) -> None:
    """Add a built batch's entities to what later batches resolve against (they are written before those)."""
    for graph in graphs:
        for entity in graph.entities:
            known[entity.id] = KnownEntity(
                id=entity.id, name=entity.name, type=entity.type, aliases=tuple(entity.aliases),
                embedding=tuple(entity.embedding) if entity.embedding else known.get(entity.id, _NONE).embedding,
            )  # fmt: skip


def _apply_removal(removal: Removal, chunks: VectorIndex, entities: VectorIndex, *, save: bool = True) -> None:
    chunks.remove(removal.chunk_ids)
    entities.remove(removal.entity_ids)
    if save:
        chunks.save()
        entities.save()


def _document_graph(
    document: Document,
    chunks: list[Chunk],
    embeddings: list[list[float]],
    results: list[ExtractionResult],
    resolution: Resolution,
    entity_of: dict[tuple[str, str], str],
) -> DocumentGraph:
    """The graph one document adds: its chunks, the entities it names, its mentions and relation evidence."""
    mentions = [
        MentionRecord(
            chunk_id=m.chunk_id, entity_id=entity_of[(m.surface, m.type)], start=m.start, end=m.end, surface=m.surface
        )
        for result in results
        for m in result.mentions
        if (m.surface, m.type) in entity_of
    ]
    relations = []
    for result in results:
        for r in result.relations:
            subject, obj = entity_of.get((r.subject, r.subject_type)), entity_of.get((r.object, r.object_type))
            if subject and obj and subject != obj:
                relations.append(
                    RelationRecord(
                        subject_id=subject,
                        predicate=r.predicate,
                        object_id=obj,
                        chunk_id=r.chunk_id,
                        document_id=document.id,
                        confidence=r.confidence,
                    )
                )
    named = (
        {mention.entity_id for mention in mentions}
        | {r.subject_id for r in relations}
        | {r.object_id for r in relations}
    )
    entities = [  # a known entity keeps the embedding the graph and the index hold (None: not written again)
        EntityRecord(
            id=e.id, name=e.name, type=e.type, aliases=e.aliases, embedding=e.embedding if e.status == "new" else None
        )
        for e in resolution.entities
        if e.id in named
    ]
    return DocumentGraph(
        document=document,
        chunks=chunks,
        chunk_embeddings=embeddings,
        entities=entities,
        mentions=mentions,
        relations=relations,
    )
