"""The MCP tools' work: answer, search and explore the graph through the app's retriever and store.

Each tool takes plain arguments an LLM can fill (an entity is named by its id or by its name), checks and caps them,
calls the service layer (:mod:`api.services`, as GraphQL does), and returns a pydantic model that the MCP server
sends as structured content. Trellis errors become :class:`ToolError` with the error's one-line
message, so the calling model reads what went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from trellis.api.answer_records import log_answer
from trellis.api.auth import Principal, authenticate_headers
from trellis.api.browser_link import browser_link
from trellis.api.chat.completions import Source, sources_of
from trellis.api.disclosure import shows_internals
from trellis.api.errors import ApiError, public_message
from trellis.api.services.ask import answer_question
from trellis.api.services.entities import documents_mentioning, find_entity, relations_of
from trellis.api.services.neighbourhood import MAX_HOPS, MAX_PATH_HOPS, neighbourhood, shortest_path
from trellis.api.services.search import retrieve
from trellis.api.services.types import GraphEntity
from trellis.api.state import AppState
from trellis.kg.errors import TrellisError
from trellis.kg.settings import Settings
from trellis.retrieval import AnswerOptions, Fact, GraphEdge
from trellis.retrieval.types import DEFAULT_K

__all__ = [
    "AskResult",
    "EntityResult",
    "EntityView",
    "GraphTools",
    "NeighborsResult",
    "PassageView",
    "PathResult",
    "RelationView",
    "SearchResult",
    "tool_errors",
]

logger = logging.getLogger(__name__)

MAX_K = 20
MAX_ANSWER_HOPS = 3
PASSAGE_CHARS = 600
ENTITY_RELATIONS = 25


class RelationView(BaseModel):
    """A relation between two entities, with up to five evidence chunk ids."""

    source: str
    target: str
    type: str
    confidence: float | None = None
    evidence: list[str] = Field(default_factory=list)


class EntityView(BaseModel):
    """An entity: id, name, type, aliases, and its distance from the entity asked about (neighbors)."""

    id: str
    name: str
    type: str | None = None
    aliases: list[str] = Field(default_factory=list)
    distance: int | None = None


class AskResult(BaseModel):
    """A cited answer from the graph: the text with ``[n]`` markers, its sources and the relations it used."""

    answer: str
    answerable: bool
    model: str
    sources: list[Source]
    relations: list[str]
    browser_url: str | None = None
    answer_id: str | None = Field(default=None, description="Rate the answer with rate_answer and this id.")


class PassageView(BaseModel):
    """A passage found by search: chunk and document ids, title, score and the start of its text."""

    chunk_id: str
    document_id: str
    title: str | None = None
    score: float
    text: str


class SearchResult(BaseModel):
    """Passages for a text (dense + full-text + graph), best first, and the entities the text names."""

    passages: list[PassageView]
    entities: list[EntityView]


class EntityResult(BaseModel):
    """An entity with the documents that mention it and its most confident relations."""

    entity: EntityView
    documents: list[str]
    relations: list[RelationView]


class NeighborsResult(BaseModel):
    """Entities within ``hops`` relations of an entity (nearest first) and the relations among them."""

    entity: EntityView
    hops: int
    neighbors: list[EntityView]
    relations: list[RelationView]


class PathResult(BaseModel):
    """The shortest chain of relations between two entities, if one of at most ``max_hops`` exists."""

    found: bool
    source: EntityView
    target: EntityView
    entities: list[EntityView]
    relations: list[RelationView]


@contextmanager
def tool_errors(settings: Settings) -> Iterator[None]:
    """Trellis errors as MCP tool errors (in production without the URIs and paths of server-side failures)."""
    try:
        yield
    except TrellisError as exc:
        raise ToolError(public_message(exc, production=settings.api_production)) from exc


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


class GraphTools:
    """The read tools over one app's state (its retriever, store and settings)."""

    def __init__(self, state: AppState, *, local: bool = False) -> None:
        self.state = state
        self.local = local  # stdio: the caller is the local user who started `trellis mcp`

    def caller(self, ctx: Context) -> Principal | None:
        """Who calls: the local user over stdio (every scope), else the key in the request's headers."""
        if self.local:
            return Principal(scopes=frozenset({"read", "write"}), label="local")
        headers = ctx.headers
        if headers is None:
            return None
        try:
            return authenticate_headers({k.lower(): v for k, v in headers.items()}, self.state.settings)
        except ApiError:
            return None

    @property
    def _page(self) -> int:
        return self.state.settings.api_max_page_size

    def ask(self, question: str, ctx: Context, k: int = DEFAULT_K, hops: int = 2) -> AskResult:
        """Answer a question from the knowledge graph, citing passages as [n] (or saying it is not in the graph)."""
        settings = self.state.settings
        with tool_errors(settings):
            retriever = self.state.retriever
            options = AnswerOptions(k=_clamp(k, 1, MAX_K), hops=_clamp(hops, 0, MAX_ANSWER_HOPS))
            answer = self.state.answers.run(lambda: answer_question(retriever, question, options))
            caller = self.caller(ctx)
            answer_id = log_answer(self.state, answer, caller, interface="mcp", options=options)
            return AskResult(
                answer_id=answer_id,
                answer=answer.text,
                answerable=answer.answerable,
                model=answer.model,
                sources=sources_of(answer, retriever),
                relations=[fact.triple for fact in answer.relations],
                browser_url=browser_link(settings, answer.subgraph, internals=shows_internals(settings, caller)),
            )

    def search(self, text: str, k: int = 5) -> SearchResult:
        """Find the passages (chunks) most relevant to a text, with their documents, and the entities it names."""
        with tool_errors(self.state.settings):
            found = retrieve(self.state.retriever, text, k=_clamp(k, 1, MAX_K))
            passages = [
                PassageView(
                    chunk_id=p.chunk_id,
                    document_id=p.document_id,
                    title=p.title,
                    score=round(p.score, 6),
                    text=p.text[:PASSAGE_CHARS],
                )
                for p in found.passages
            ]
            entities = [EntityView(id=e.id, name=e.name, type=e.type) for e in found.entities]
            return SearchResult(passages=passages, entities=entities)

    def get_entity(self, entity: str) -> EntityResult:
        """Look up an entity by id or name: its type, aliases, documents that mention it and its relations."""
        with tool_errors(self.state.settings):
            found = self._resolve(entity)
            store = self.state.store
            facts = relations_of(store, [found.id], per_entity=ENTITY_RELATIONS, evidence=5)
            return EntityResult(
                entity=_entity_view(found),
                documents=documents_mentioning(store, found.id, per_entity=self._page),
                relations=[_relation_of_fact(fact) for fact in facts],
            )

    def neighbors(self, entity: str, hops: int = 1, limit: int = 25) -> NeighborsResult:
        """Entities within 1-3 relations of an entity (by id or name), nearest first, and the relations among them."""
        with tool_errors(self.state.settings):
            found = self._resolve(entity)
            hops, limit = _clamp(hops, 1, MAX_HOPS), _clamp(limit, 1, self._page)
            around = neighbourhood(self.state.store, found.id, hops=hops, limit=limit)
            if around is None:
                raise ToolError(f"no entity with the id or name '{entity[:80]}' in the graph")
            return NeighborsResult(
                entity=_entity_view(around.center),
                hops=hops,
                neighbors=[_entity_view(n.entity, distance=n.distance) for n in around.neighbours],
                relations=[_relation_view(edge) for edge in around.relations],
            )

    def path(self, source: str, target: str, max_hops: int = 4) -> PathResult:
        """The shortest chain of relations linking two entities (ids or names), at most max_hops (1-6) long."""
        with tool_errors(self.state.settings):
            start, end = self._resolve(source), self._resolve(target)
            max_hops = _clamp(max_hops, 1, MAX_PATH_HOPS)
            found = shortest_path(self.state.store, start.id, end.id, max_hops=max_hops)
            return PathResult(
                found=found is not None,
                source=_entity_view(start),
                target=_entity_view(end),
                entities=[_entity_view(node) for node in found.nodes] if found else [],
                relations=[_relation_view(edge) for edge in found.edges] if found else [],
            )

    def _resolve(self, entity: str) -> GraphEntity:
        """The entity with this id, else with this exact name, else the best full-text match of the name."""
        wanted = " ".join(str(entity).split())
        if not wanted:
            raise ToolError("name an entity by its id or its name, e.g. 'Albania'")
        if len(wanted) > 300:
            raise ToolError("an entity id or name is at most 300 characters")
        found = find_entity(self.state.store, wanted)
        if found is None:
            raise ToolError(f"no entity with the id or name '{wanted[:80]}' in the graph")
        return found


def _entity_view(entity: GraphEntity, *, distance: int | None = None) -> EntityView:
    return EntityView(**entity.model_dump(), distance=distance)


def _relation_view(edge: GraphEdge) -> RelationView:
    return RelationView(**edge.model_dump())


def _relation_of_fact(fact: Fact) -> RelationView:
    return RelationView(
        source=fact.subject_id,
        target=fact.object_id,
        type=fact.predicate,
        confidence=fact.confidence,
        evidence=[item.chunk_id for item in fact.evidence],
    )
