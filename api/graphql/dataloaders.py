"""Per-operation DataLoaders: every field that reads the graph for many parents asks one named query per batch.

A list of 50 entities asking for their relations costs one ``retrieval_relations`` query, not 50 (no N+1 Cypher).
Loaders live for one operation (api/graphql/context.py), so nothing is cached across operations, even on one socket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from strawberry.dataloader import DataLoader

from api.state import AppState
from kg.graph import Record

__all__ = ["CHUNKS_PER_DOCUMENT", "RELATIONS_PER_ENTITY", "Loaders", "run_query"]

RELATIONS_PER_ENTITY = 50
"""The most relations an entity's ``relations`` field can show (its ``first`` argument is capped to this)."""
CHUNKS_PER_DOCUMENT = 100
"""The most chunks a document's ``chunks`` field can show."""


async def run_query(state: AppState, name: str, /, **parameters: Any) -> list[Record]:
    """Run the named read query off the event loop (the Neo4j driver is synchronous)."""
    return await to_thread.run_sync(lambda: state.store.query(name, **parameters))


def _by_id(rows: Sequence[Record], keys: Sequence[str], field: str = "id") -> list[Record | None]:
    found = {row[field]: row for row in rows}
    return [found.get(key) for key in keys]


@dataclass
class Loaders:
    """The DataLoaders of one operation."""

    entities: DataLoader[str, Record | None]
    chunks: DataLoader[str, Record | None]
    documents: DataLoader[str, Record | None]
    relations: DataLoader[str, list[Record]]
    document_chunks: DataLoader[str, list[Record]]

    @classmethod
    def for_state(cls, state: AppState) -> Loaders:
        async def entities(keys: list[str]) -> list[Record | None]:
            return _by_id(await run_query(state, "retrieval_entities", ids=keys), keys)

        async def chunks(keys: list[str]) -> list[Record | None]:
            return _by_id(await run_query(state, "retrieval_chunks", ids=keys), keys)

        async def documents(keys: list[str]) -> list[Record | None]:
            return _by_id(await run_query(state, "api_documents_by_ids", ids=keys, limit=len(keys)), keys)

        async def relations(keys: list[str]) -> list[list[Record]]:
            rows = await run_query(
                state,
                "retrieval_relations",
                ids=keys,
                per_entity=RELATIONS_PER_ENTITY,
                limit=RELATIONS_PER_ENTITY * len(keys),
                evidence=5,
            )
            return [[row for row in rows if key in (row["subject_id"], row["object_id"])] for key in keys]

        async def document_chunks(keys: list[str]) -> list[list[Record]]:
            rows = await run_query(
                state,
                "api_document_chunks",
                ids=keys,
                per_document=CHUNKS_PER_DOCUMENT,
                limit=CHUNKS_PER_DOCUMENT * len(keys),
            )
            return [[row for row in rows if row["document_id"] == key] for key in keys]

        return cls(
            entities=DataLoader(load_fn=entities, max_batch_size=500),
            chunks=DataLoader(load_fn=chunks, max_batch_size=500),
            documents=DataLoader(load_fn=documents, max_batch_size=500),
            relations=DataLoader(load_fn=relations, max_batch_size=100),
            document_chunks=DataLoader(load_fn=document_chunks, max_batch_size=100),
        )
