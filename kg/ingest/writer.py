"""Write document graphs to Neo4j: one transaction per batch, so a batch lands whole or not at all.

A changed document is replaced inside the same transaction that writes its new version; deleting a document removes
exactly the support it gave (chunks, mentions, evidence), then the entities nothing mentions any more. Every entity
a write or delete touched then takes the type most of its mentions carry (``retype_entities``), so an entity's type
is a function of the graph's evidence and a delete restores it exactly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trellis.kg.graph import GraphStore
from trellis.kg.types import Document, DocumentGraph

__all__ = ["GRAPH_VERSION", "GraphWriter", "Removal", "unchanged"]

GRAPH_VERSION = 2
"""The version of the graph model ingestion writes, stored on each Document. 2: one entity per name whatever its
NER label, and relations typed by the canonical schema. A document an older version built (or one with no
version) is rebuilt by the next ingest of its file, as if its text had changed."""


def unchanged(document: Document, stored: Mapping[str, Any] | None) -> bool:
    """Whether the graph holds ``document`` as it is, by ``stored``, its row of ``document_hashes`` (None: the graph
    does not hold it): the same content hash, built by this graph model. An ingest skips such a document and
    (re)builds any other; this is the one place that decides it, in one process and on Ray."""
    return stored is not None and stored["sha256"] == document.sha256 and stored["graph_version"] == GRAPH_VERSION


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Removal:
    """What leaving the graph took with it: the ids that the vector indexes must drop too."""

    chunk_ids: list[str]
    entity_ids: list[str]


class GraphWriter:
    """Writes :class:`DocumentGraph` batches and deletes documents through named queries."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def _ids(self, query: str, ids: Sequence[str]) -> list[str]:
        return [row["id"] for row in self.store.query(query, ids=list(ids))] if ids else []

    def write(self, graphs: Sequence[DocumentGraph], *, replacing: Sequence[str] = ()) -> Removal:
        """Write the batch in one transaction, first removing the old versions of the documents in ``replacing``."""
        old_chunks = self._ids("document_chunk_ids", replacing)
        candidates = self._ids("document_entity_ids", replacing)
        steps: list[tuple[str, dict[str, Any]]] = []
        if replacing:
            steps.append(("delete_documents", {"ids": list(replacing)}))
        steps += [
            ("upsert_documents", {"rows": [_document_row(graph) for graph in graphs]}),
            ("upsert_chunks", {"rows": [row for graph in graphs for row in _chunk_rows(graph)]}),
            ("upsert_entities", {"rows": _entity_rows(graphs)}),
            ("upsert_mentions", {"rows": [m.model_dump() for graph in graphs for m in graph.mentions]}),
        ]
        entity_ids = sorted({entity.id for graph in graphs for entity in graph.entities})
        fresh = set(entity_ids) - set(self._ids("existing_entity_ids", entity_ids))  # new in this batch
        relations = _relation_rows(graphs)
        steps += [  # a relation touching a new entity cannot exist yet: created without looking
            ("create_relations", {"rows": [r for r in relations if {r["subject_id"], r["object_id"]} & fresh]}),
            ("upsert_relations", {"rows": [r for r in relations if not {r["subject_id"], r["object_id"]} & fresh]}),
        ]
        if candidates:
            steps.append(("prune_entities", {"ids": candidates}))
        steps.append(("retype_entities", {"ids": sorted({*entity_ids, *candidates})}))
        self.store.write_transaction(steps)
        gone = sorted(set(candidates) - set(self._ids("existing_entity_ids", candidates)))
        new_chunks = {chunk.id for graph in graphs for chunk in graph.chunks}
        return Removal(chunk_ids=sorted(set(old_chunks) - new_chunks), entity_ids=gone)

    def delete(self, document_ids: Sequence[str]) -> Removal:
        """Remove documents and exactly their support; returns the chunk and entity ids that went."""
        chunk_ids = self._ids("document_chunk_ids", document_ids)
        candidates = self._ids("document_entity_ids", document_ids)
        self.store.write_transaction(
            [
                ("delete_documents", {"ids": list(document_ids)}),
                ("prune_entities", {"ids": candidates}),
                ("retype_entities", {"ids": candidates}),  # the type the remaining mentions give
            ]
        )
        gone = sorted(set(candidates) - set(self._ids("existing_entity_ids", candidates)))
        return Removal(chunk_ids=chunk_ids, entity_ids=gone)


def _document_row(graph: DocumentGraph) -> dict[str, Any]:
    document = graph.document
    return {
        "id": document.id,
        "source": document.source,
        "title": document.title,
        "sha256": document.sha256,
        "ingested_at": document.ingested_at.isoformat(),
        "graph_version": GRAPH_VERSION,
        "metadata": document.metadata,
    }


def _chunk_rows(graph: DocumentGraph) -> list[dict[str, Any]]:
    rows = []
    previous: str | None = None
    for chunk, embedding in zip(graph.chunks, graph.chunk_embeddings, strict=True):
        rows.append({**chunk.model_dump(), "embedding": embedding, "previous": previous})
        previous = chunk.id
    return rows


def _entity_rows(graphs: Sequence[DocumentGraph]) -> list[dict[str, Any]]:
    """One row per entity of the batch; aliases merged when several documents name the same entity."""
    merged: dict[str, dict[str, Any]] = {}
    for entity in (entity for graph in graphs for entity in graph.entities):
        row = merged.setdefault(entity.id, entity.model_dump())
        row["aliases"] = sorted(set(row["aliases"]) | set(entity.aliases))
        if row["embedding"] is None:
            row["embedding"] = entity.embedding
    return list(merged.values())


def _relation_rows(graphs: Sequence[DocumentGraph]) -> list[dict[str, Any]]:
    """One row per (subject, predicate, object) of the batch, its evidence in order: fewer, larger merges."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for relation in (relation for graph in graphs for relation in graph.relations):
        key = (relation.subject_id, relation.predicate, relation.object_id)
        row = merged.get(key)
        if row is None:
            row = merged[key] = {
                "subject_id": relation.subject_id,
                "predicate": relation.predicate,
                "object_id": relation.object_id,
                "evidence": [],
                "documents": [],
                "confidence": relation.confidence,
                "phrase": relation.phrase,
            }
        if relation.chunk_id not in row["evidence"]:
            row["evidence"].append(relation.chunk_id)
        if relation.document_id not in row["documents"]:
            row["documents"].append(relation.document_id)
        row["confidence"] = max(row["confidence"], relation.confidence)
    return list(merged.values())
