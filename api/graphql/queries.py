"""The Query root: ask, search and explore the graph. Every field needs the ``read`` scope.

Each field checks its arguments, calls the service layer (:mod:`api.services`) off the event loop and turns what
it returns into GraphQL types.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from trellis.api.answer_records import log_answer
from trellis.api.errors import InvalidArgumentError
from trellis.api.graphql.answer_log import LogReader
from trellis.api.graphql.answer_log import answers as answer_log_page
from trellis.api.graphql.busy import limited
from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.dataloaders import in_thread
from trellis.api.graphql.fields import field
from trellis.api.graphql.limits import page_size
from trellis.api.graphql.permissions import ReadScope
from trellis.api.graphql.types.answer import Answer
from trellis.api.graphql.types.document import Document
from trellis.api.graphql.types.entity import Entity
from trellis.api.graphql.types.entity_connection import EntityConnection, decode_cursor
from trellis.api.graphql.types.inputs import AskOptions, EntityFilter
from trellis.api.graphql.types.job import IngestJob
from trellis.api.graphql.types.neighborhood import Neighborhood
from trellis.api.graphql.types.path import Path
from trellis.api.graphql.types.search_hit import SearchHit
from trellis.api.graphql.types.stats import Stats
from trellis.api.services.ask import answer_question
from trellis.api.services.documents import list_documents
from trellis.api.services.entities import entity_named, entity_page
from trellis.api.services.neighbourhood import MAX_HOPS, MAX_PATH_HOPS, neighbourhood, shortest_path
from trellis.api.services.search import search_passages
from trellis.api.services.status import graph_stats
from trellis.retrieval.types import Answer as DomainAnswer
from trellis.retrieval.types import AnswerOptions

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


@strawberry.type(description="Ask, search and explore the knowledge graph.")
class Query:
    @field(permission_classes=[ReadScope], description="A cited answer from the graph.")
    async def ask(self, info: TrellisInfo, question: str, options: AskOptions | None = None) -> Answer:
        chosen = answer_options(options)
        state, principal = info.context.state, info.context.principal

        def work() -> tuple[DomainAnswer, str | None]:
            found = answer_question(state.retriever, question, chosen)
            return found, log_answer(state, found, principal, interface="graphql", options=chosen)

        found, answer_id = await limited(info, work)
        return Answer.from_domain(found, state.settings, internals=info.context.shows_internals, answer_id=answer_id)

    answers = field(
        permission_classes=[LogReader], description="Logged answers, newest first, with ratings (write keys only)."
    )(answer_log_page)

    @field(permission_classes=[ReadScope], description="Passages by hybrid (dense + full-text) search.")
    async def search(self, info: TrellisInfo, text: str, k: int = 6) -> list[SearchHit]:
        k = page_size(k, name="k", most=info.context.settings.api_max_page_size)
        state = info.context.state
        passages = await in_thread(lambda: search_passages(state.retriever, text, k=k))
        return [SearchHit.from_domain(passage) for passage in passages]

    @field(permission_classes=[ReadScope], description="An entity by id or by exact name.")
    async def entity(
        self, info: TrellisInfo, id: strawberry.ID | None = None, name: str | None = None
    ) -> Entity | None:
        if (id is None) == (name is None):
            raise InvalidArgumentError("give exactly one of 'id' and 'name'")
        if id is not None:
            found = await info.context.loaders.entities.load(checked_id(str(id), name="id"))
        else:
            wanted, state = checked_id(str(name), name="name"), info.context.state
            found = await in_thread(lambda: entity_named(state.store, wanted))
        return None if found is None else Entity.from_domain(found)

    @field(permission_classes=[ReadScope], description="Entities in pages ordered by id (Relay style).")
    async def entities(
        self, info: TrellisInfo, filter: EntityFilter | None = None, first: int = 10, after: str | None = None
    ) -> EntityConnection:
        first = page_size(first, name="first", most=info.context.settings.api_max_page_size)
        entity_type = filter.type if filter else None
        name_contains = filter.name_contains if filter else None
        for key, value in (("type", entity_type), ("name_contains", name_contains)):
            if value is not None:
                checked_id(value, name=f"filter.{key}")
        cursor, state = decode_cursor(after), info.context.state
        page = await in_thread(
            lambda: entity_page(
                state.store, first=first, after=cursor, entity_type=entity_type, name_contains=name_contains
            )
        )
        entities = [Entity.from_domain(entity) for entity in page.entities]
        return EntityConnection.from_domain(entities, has_next_page=page.has_next_page, total_count=page.total_count)

    @field(permission_classes=[ReadScope], description="The entities within some hops of an entity.")
    async def neighbors(
        self, info: TrellisInfo, entity_id: strawberry.ID, hops: int = 1, limit: int = 25
    ) -> Neighborhood | None:
        limit = page_size(limit, name="limit", most=info.context.settings.api_max_page_size)
        hops = page_size(hops, name="hops", most=MAX_HOPS)
        center, state = checked_id(str(entity_id), name="entityId"), info.context.state
        found = await in_thread(lambda: neighbourhood(state.store, center, hops=hops, limit=limit))
        return None if found is None else Neighborhood.from_domain(found)

    @field(permission_classes=[ReadScope], description="A shortest path of relations between entities.")
    async def path(
        self,
        info: TrellisInfo,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
    ) -> Path | None:
        max_hops = page_size(max_hops, name="maxHops", most=MAX_PATH_HOPS)
        source, target = checked_id(str(from_), name="from"), checked_id(str(to), name="to")
        state = info.context.state
        found = await in_thread(lambda: shortest_path(state.store, source, target, max_hops=max_hops))
        return None if found is None else Path.from_domain(found)

    @field(permission_classes=[ReadScope], description="Ingested documents, newest first.")
    async def documents(self, info: TrellisInfo, first: int = 20, offset: int = 0) -> list[Document]:
        first = page_size(first, name="first", most=info.context.settings.api_max_page_size)
        if not 0 <= offset <= 1_000_000:
            raise InvalidArgumentError("'offset' must be between 0 and 1000000")
        state = info.context.state
        found = await in_thread(lambda: list_documents(state.store, offset=offset, limit=first))
        return [Document.from_domain(document) for document in found]

    @field(permission_classes=[ReadScope], description="A document by id.")
    async def document(self, info: TrellisInfo, id: strawberry.ID) -> Document | None:
        found = await info.context.loaders.documents.load(checked_id(str(id), name="id"))
        return None if found is None else Document.from_domain(found)

    @field(permission_classes=[ReadScope], description="An ingest job by id (kept in memory).")
    def job(self, info: TrellisInfo, id: strawberry.ID) -> IngestJob:
        return IngestJob.from_domain(info.context.state.jobs.get(checked_id(str(id), name="id")))

    @field(permission_classes=[ReadScope], description="What the graph and vector indexes hold.")
    async def stats(self, info: TrellisInfo) -> Stats:
        state = info.context.state
        return Stats.from_domain(await in_thread(lambda: graph_stats(state.retriever)))
