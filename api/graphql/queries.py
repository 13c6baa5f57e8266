"""The Query root: ask, search and explore the graph. Every field needs the ``read`` scope."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from anyio import to_thread
from pydantic import ValidationError

from api.errors import InvalidArgumentError
from api.graphql.busy import limited
from api.graphql.context import TrellisInfo
from api.graphql.dataloaders import run_query
from api.graphql.limits import page_size
from api.graphql.permissions import ReadScope
from api.graphql.types.answer import Answer
from api.graphql.types.document import Document
from api.graphql.types.entity import Entity
from api.graphql.types.entity_connection import EntityConnection, decode_cursor
from api.graphql.types.graph_edge import GraphEdge
from api.graphql.types.inputs import AskOptions, EntityFilter
from api.graphql.types.job import IngestJob
from api.graphql.types.neighborhood import Neighbor, Neighborhood
from api.graphql.types.path import Path
from api.graphql.types.search_hit import SearchHit
from api.graphql.types.stats import Stats
from retrieval.answer import clean_question
from retrieval.search import PassageSearch
from retrieval.types import AnswerOptions, Passage

__all__ = ["Query", "answer_options", "checked_id"]

MAX_ID_CHARS = 512


def checked_id(value: str, *, name: str) -> str:
    """An id argument, refused when empty or absurdly long (ids are always sent as query parameters)."""
    if not value.strip() or len(value) > MAX_ID_CHARS:
        raise InvalidArgumentError(f"'{name}' must be 1-{MAX_ID_CHARS} characters")
    return value


def answer_options(options: AskOptions | None) -> AnswerOptions:
    """Validated answer options; out-of-range values are an InvalidArgumentError naming the field."""
    try:
        return options.to_domain() if options is not None else AnswerOptions()
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise InvalidArgumentError(f"options.{field}: {problem['msg']}") from None


def _search(info: TrellisInfo, text: str, k: int) -> list[Passage]:
    retriever = info.context.state.retriever
    cleaned = clean_question(text, max_chars=AnswerOptions().max_question_chars)
    vector = retriever.embedder.embed_queries([cleaned])[0]
    search = PassageSearch(store=retriever.store, index=retriever.chunk_index, candidates=k)
    return search.run(cleaned, vector)[:k]


@strawberry.type(description="Ask, search and explore the knowledge graph.")
class Query:
    @strawberry.field(permission_classes=[ReadScope], description="A cited answer from the graph.")
    async def ask(self, info: TrellisInfo, question: str, options: AskOptions | None = None) -> Answer:
        chosen = answer_options(options)
        state = info.context.state
        found = await limited(info, lambda: state.retriever.answer(question, chosen))
        return Answer.from_domain(found, state.settings, internals=info.context.shows_internals)

    @strawberry.field(permission_classes=[ReadScope], description="Passages by hybrid (dense + full-text) search.")
    async def search(self, info: TrellisInfo, text: str, k: int = 6) -> list[SearchHit]:
        k = page_size(k, name="k", most=info.context.settings.api_max_page_size)
        passages = await to_thread.run_sync(lambda: _search(info, text, k))
        return [SearchHit.from_domain(passage) for passage in passages]

    @strawberry.field(permission_classes=[ReadScope], description="An entity by id or by exact name.")
    async def entity(
        self, info: TrellisInfo, id: strawberry.ID | None = None, name: str | None = None
    ) -> Entity | None:
        if (id is None) == (name is None):
            raise InvalidArgumentError("give exactly one of 'id' and 'name'")
        if id is not None:
            row = await info.context.loaders.entities.load(checked_id(str(id), name="id"))
            return None if row is None else Entity.from_row(row)
        rows = await run_query(
            info.context.state,
            "api_entities_by_name",
            entity_name=checked_id(str(name), name="name"),
            exact=False,
            limit=1,
        )
        return Entity.from_row(rows[0]) if rows else None

    @strawberry.field(permission_classes=[ReadScope], description="Entities in pages ordered by id (Relay style).")
    async def entities(
        self, info: TrellisInfo, filter: EntityFilter | None = None, first: int = 10, after: str | None = None
    ) -> EntityConnection:
        first = page_size(first, name="first", most=info.context.settings.api_max_page_size)
        wanted: dict[str, Any] = {
            "type": filter.type if filter else None,
            "name_contains": filter.name_contains if filter else None,
        }
        for key, value in wanted.items():
            if value is not None:
                checked_id(value, name=f"filter.{key}")
        state = info.context.state
        rows = await run_query(state, "api_entities_page", after=decode_cursor(after), limit=first + 1, **wanted)
        total = await run_query(state, "api_entities_count", **wanted)
        entities = [Entity.from_row(row) for row in rows[:first]]
        return EntityConnection.from_domain(entities, has_next_page=len(rows) > first, total_count=total[0]["total"])

    @strawberry.field(permission_classes=[ReadScope], description="The entities within some hops of an entity.")
    async def neighbors(
        self, info: TrellisInfo, entity_id: strawberry.ID, hops: int = 1, limit: int = 25
    ) -> Neighborhood | None:
        limit = page_size(limit, name="limit", most=info.context.settings.api_max_page_size)
        hops = page_size(hops, name="hops", most=3)
        center = await info.context.loaders.entities.load(checked_id(str(entity_id), name="entityId"))
        if center is None:
            return None
        state = info.context.state
        rows = await run_query(state, "api_neighbors", id=center["id"], hops=hops, limit=limit)
        ids = [center["id"], *(row["id"] for row in rows)]
        edges = await run_query(state, "api_relations_among", ids=ids, limit=limit * 4)
        return Neighborhood(
            center=Entity.from_row(center),
            neighbors=[Neighbor.from_row(row) for row in rows],
            relations=[GraphEdge.from_row(edge) for edge in edges],
        )

    @strawberry.field(permission_classes=[ReadScope], description="A shortest path of relations between entities.")
    async def path(
        self,
        info: TrellisInfo,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
    ) -> Path | None:
        max_hops = page_size(max_hops, name="maxHops", most=6)
        rows = await run_query(
            info.context.state,
            "api_shortest_path",
            source=checked_id(str(from_), name="from"),
            target=checked_id(str(to), name="to"),
        )
        if not rows or len(rows[0]["edges"]) > max_hops:
            return None
        return Path.from_row(rows[0])

    @strawberry.field(permission_classes=[ReadScope], description="Ingested documents, newest first.")
    async def documents(self, info: TrellisInfo, first: int = 20, offset: int = 0) -> list[Document]:
        first = page_size(first, name="first", most=info.context.settings.api_max_page_size)
        if not 0 <= offset <= 1_000_000:
            raise InvalidArgumentError("'offset' must be between 0 and 1000000")
        rows = await run_query(info.context.state, "list_documents", skip=offset, limit=first)
        return [Document.from_row(row) for row in rows]

    @strawberry.field(permission_classes=[ReadScope], description="A document by id.")
    async def document(self, info: TrellisInfo, id: strawberry.ID) -> Document | None:
        row = await info.context.loaders.documents.load(checked_id(str(id), name="id"))
        return None if row is None else Document.from_row(row)

    @strawberry.field(permission_classes=[ReadScope], description="An ingest job by id (kept in memory).")
    def job(self, info: TrellisInfo, id: strawberry.ID) -> IngestJob:
        return IngestJob.from_domain(info.context.state.jobs.get(checked_id(str(id), name="id")))

    @strawberry.field(permission_classes=[ReadScope], description="What the graph and vector indexes hold.")
    async def stats(self, info: TrellisInfo) -> Stats:
        state = info.context.state
        rows = await run_query(state, "graph_counts")
        retriever = state.retriever
        return Stats.from_row(
            rows[0], chunk_vectors=len(retriever.chunk_index), entity_vectors=len(retriever.entity_index)
        )
