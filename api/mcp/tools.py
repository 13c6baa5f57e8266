"""The MCP tools' work: answer, search and explore the graph through the app's retriever and store.

Each tool takes plain arguments an LLM can fill (an entity is named by its id or by its name), checks and caps them,
runs the retriever or bounded named queries (the same ones the GraphQL API uses), and returns a pydantic model that
the MCP server sends as structured content. Trellis errors become :class:`ToolError` with the error's one-line
message, so the calling model reads what went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from api.auth import Principal, authenticate_headers
from api.browser_link import browser_link
from api.chat.completions import Source, sources_of
from api.disclosure import shows_internals
from api.errors import ApiError, public_message
from api.state import AppState
from kg.errors import TrellisError
from kg.graph import Record
from kg.settings import Settings
from retrieval import AnswerOptions
from retrieval.lucene import escape_lucene

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
MAX_HOPS = 3
MAX_PATH_HOPS = 6
PASSAGE_CHARS = 600


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

    def _caller(self, ctx: Context) -> Principal | None:
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

    def ask(self, question: str, ctx: Context, k: int = 6, hops: int = 2) -> AskResult:
        """Answer a question from the knowledge graph, citing passages as [n] (or saying it is not in the graph)."""
        settings = self.state.settings
        with tool_errors(settings):
            retriever = self.state.retriever
            options = AnswerOptions(k=_clamp(k, 1, MAX_K), hops=_clamp(hops, 0, MAX_HOPS))
            answer = self.state.answers.run(lambda: retriever.answer(question, options))
            return AskResult(
                answer=answer.text,
                answerable=answer.answerable,
                model=answer.model,
                sources=sources_of(answer, retriever),
                relations=[fact.triple for fact in answer.relations],
                browser_url=browser_link(
                    settings, answer.subgraph, internals=shows_internals(settings, self._caller(ctx))
                ),
            )

    def search(self, text: str, k: int = 5) -> SearchResult:
        """Find the passages (chunks) most relevant to a text, with their documents, and the entities it names."""
        with tool_errors(self.state.settings):
            found = self.state.retriever.retrieve(text, options=AnswerOptions(k=_clamp(k, 1, MAX_K)))
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
            view = self._resolve(entity)
            store = self.state.store
            mentions = store.query("retrieval_mentions", ids=[view.id], per_entity=self._page)
            relations = store.query("retrieval_relations", ids=[view.id], per_entity=25, limit=25, evidence=5)
            return EntityResult(
                entity=view,
                documents=sorted({row["document_id"] for row in mentions if row["document_id"]}),
                relations=[_relation_of_fact(row) for row in relations],
            )

    def neighbors(self, entity: str, hops: int = 1, limit: int = 25) -> NeighborsResult:
        """Entities within 1-3 relations of an entity (by id or name), nearest first, and the relations among them."""
        with tool_errors(self.state.settings):
            view = self._resolve(entity)
            hops, limit = _clamp(hops, 1, MAX_HOPS), _clamp(limit, 1, self._page)
            store = self.state.store
            rows = store.query("api_neighbors", id=view.id, hops=hops, limit=limit)
            near = [EntityView.model_validate(row) for row in rows]
            ids = [view.id, *(n.id for n in near)]
            among = store.query("api_relations_among", ids=ids, limit=limit * 4)
            return NeighborsResult(
                entity=view, hops=hops, neighbors=near, relations=[RelationView.model_validate(r) for r in among]
            )

    def path(self, source: str, target: str, max_hops: int = 4) -> PathResult:
        """The shortest chain of relations linking two entities (ids or names), at most max_hops (1-6) long."""
        with tool_errors(self.state.settings):
            start, end = self._resolve(source), self._resolve(target)
            max_hops = _clamp(max_hops, 1, MAX_PATH_HOPS)
            if start.id == end.id:
                return PathResult(found=True, source=start, target=end, entities=[start], relations=[])
            rows = self.state.store.query("api_shortest_path", source=start.id, target=end.id)
            if not rows or len(rows[0]["edges"]) > max_hops:
                return PathResult(found=False, source=start, target=end, entities=[], relations=[])
            return PathResult(
                found=True,
                source=start,
                target=end,
                entities=[EntityView.model_validate(node) for node in rows[0]["nodes"]],
                relations=[RelationView.model_validate(edge) for edge in rows[0]["edges"]],
            )

    def _resolve(self, entity: str) -> EntityView:
        """The entity with this id, else with this exact name, else the best full-text match of the name."""
        wanted = " ".join(str(entity).split())
        if not wanted:
            raise ToolError("name an entity by its id or its name, e.g. 'Albania'")
        if len(wanted) > 300:
            raise ToolError("an entity id or name is at most 300 characters")
        store = self.state.store
        rows = store.query("retrieval_entities", ids=[wanted])
        rows = rows or store.query("api_entities_by_name", entity_name=wanted, exact=False, limit=1)
        if not rows and (query := escape_lucene(wanted)):
            rows = store.query("retrieval_entity_fulltext", query=query, limit=1)
        if not rows:
            raise ToolError(f"no entity with the id or name '{wanted[:80]}' in the graph")
        return EntityView.model_validate(rows[0])


def _relation_of_fact(row: Record) -> RelationView:
    evidence = [item["chunk_id"] for item in row["evidence"] or []]
    return RelationView(
        source=row["subject_id"],
        target=row["object_id"],
        type=row["predicate"],
        confidence=row["confidence"],
        evidence=evidence,
    )
