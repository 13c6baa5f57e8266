"""Per-operation DataLoaders: every field that reads the graph for many parents makes one service call per batch.

A list of 50 entities asking for their relations costs one ``relations_of`` read, not 50 (no N+1 Cypher).
Loaders live for one operation (api/graphql/context.py), so nothing is cached across operations, even on one socket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from anyio import to_thread
from strawberry.dataloader import DataLoader

from trellis.api.services.documents import chunks_by_ids, document_chunks, documents_by_ids
from trellis.api.services.entities import entities_by_ids, relations_of
from trellis.api.services.types import GraphEntity, StoredDocument
from trellis.api.state import AppState
from trellis.retrieval.types import Fact, Passage

__all__ = ["CHUNKS_PER_DOCUMENT", "RELATIONS_PER_ENTITY", "Loaders", "in_thread"]

T = TypeVar("T")
RELATIONS_PER_ENTITY = 50
"""The most relations an entity's ``relations`` field can show (its ``first`` argument is capped to this)."""
CHUNKS_PER_DOCUMENT = 100
"""The most chunks a document's ``chunks`` field can show."""


async def in_thread(work: Callable[[], T]) -> T:
    """Run a (blocking) service call off the event loop: the Neo4j driver and the models are synchronous."""
    return await to_thread.run_sync(work)


Found = TypeVar("Found", GraphEntity, StoredDocument)


def _by_id(found: Sequence[Found], keys: Sequence[str]) -> list[Found | None]:
    by_id = {item.id: item for item in found}
    return [by_id.get(key) for key in keys]


@dataclass
class Loaders:
    """The DataLoaders of one operation."""

    entities: DataLoader[str, GraphEntity | None]
    chunks: DataLoader[str, Passage | None]
    documents: DataLoader[str, StoredDocument | None]
    relations: DataLoader[str, list[Fact]]
    document_chunks: DataLoader[str, list[Passage]]

    @classmethod
    def for_state(cls, state: AppState) -> Loaders:
        async def entities(keys: list[str]) -> list[GraphEntity | None]:
            return _by_id(await in_thread(lambda: entities_by_ids(state.store, keys)), keys)

        async def chunks(keys: list[str]) -> list[Passage | None]:
            found = {p.chunk_id: p for p in await in_thread(lambda: chunks_by_ids(state.store, keys))}
            return [found.get(key) for key in keys]

        async def documents(keys: list[str]) -> list[StoredDocument | None]:
            return _by_id(await in_thread(lambda: documents_by_ids(state.store, keys)), keys)

        async def relations(keys: list[str]) -> list[list[Fact]]:
            facts = await in_thread(
                lambda: relations_of(state.store, keys, per_entity=RELATIONS_PER_ENTITY, evidence=5)
            )
            return [[f for f in facts if key in (f.subject_id, f.object_id)] for key in keys]

        async def chunks_of_documents(keys: list[str]) -> list[list[Passage]]:
            passages = await in_thread(lambda: document_chunks(state.store, keys, per_document=CHUNKS_PER_DOCUMENT))
            return [[p for p in passages if p.document_id == key] for key in keys]

        return cls(
            entities=DataLoader(load_fn=entities, max_batch_size=500),
            chunks=DataLoader(load_fn=chunks, max_batch_size=500),
            documents=DataLoader(load_fn=documents, max_batch_size=500),
            relations=DataLoader(load_fn=relations, max_batch_size=100),
            document_chunks=DataLoader(load_fn=chunks_of_documents, max_batch_size=100),
        )
