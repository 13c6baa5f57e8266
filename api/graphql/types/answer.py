"""A cited answer from the graph."""

from __future__ import annotations

import strawberry

from trellis.api.browser_link import browser_link
from trellis.api.graphql.types.citation import Citation
from trellis.api.graphql.types.entity import Entity, Relation
from trellis.api.graphql.types.subgraph import Subgraph
from trellis.api.graphql.types.timing import Timing
from trellis.kg.settings import Settings
from trellis.retrieval.types import Answer as DomainAnswer

__all__ = ["Answer"]


@strawberry.type(description="An answer with its citations, the facts and subgraph it used, its model and timings.")
class Answer:
    id: strawberry.ID | None = strawberry.field(
        description="The answer's id in the answer log, to rate it with rateAnswer; null when the log is off."
    )
    question: str
    text: str
    answerable: bool = strawberry.field(description="False when the graph does not hold the answer.")
    span: str | None = strawberry.field(
        description="The short answer itself (a name, place, date, number), when the generator gives one."
    )
    model: str
    score: float
    citations: list[Citation]
    facts: list[Relation]
    entities: list[Entity] = strawberry.field(description="The question's entities, as linked to the graph.")
    subgraph: Subgraph
    timings: list[Timing]
    browser_url: str | None = strawberry.field(
        description="Neo4j Browser with this answer's subgraph query; null in production and for read keys."
    )

    @classmethod
    def from_domain(
        cls, answer: DomainAnswer, settings: Settings, *, internals: bool, answer_id: str | None = None
    ) -> Answer:
        """The answer as GraphQL shows it, with its log id; the Browser link only when ``internals``
        (api/disclosure.py)."""
        return cls(
            id=None if answer_id is None else strawberry.ID(answer_id),
            question=answer.question,
            text=answer.text,
            answerable=answer.answerable,
            span=answer.span,
            model=answer.model,
            score=answer.score,
            citations=[Citation.from_domain(c, answer.relations) for c in answer.citations],
            facts=[Relation.from_domain(f) for f in answer.relations],
            entities=[Entity.from_domain(e) for e in answer.entities],
            subgraph=Subgraph.from_domain(answer.subgraph),
            timings=Timing.from_domain(answer.timings),
            browser_url=browser_link(settings, answer.subgraph, internals=internals),
        )
