"""The answer log as GraphQL shows it (write keys only): logged answers in Relay-style pages, with their ratings."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from enum import Enum

import strawberry

from trellis.api.errors import InvalidArgumentError
from trellis.api.graphql.types.page_info import PageInfo
from trellis.api.graphql.types.timing import Timing
from trellis.api.services.answers import AnswerFilter as DomainFilter
from trellis.api.services.answers import LoggedAnswer as DomainLoggedAnswer

__all__ = [
    "AnswerFilter",
    "AnswerLogConnection",
    "AnswerLogEdge",
    "LoggedAnswer",
    "LoggedCitation",
    "Rating",
    "decode_answer_cursor",
]

_PREFIX = "answer:"


@strawberry.enum(description="What a user says of an answer: right (UP) or wrong (DOWN).")
class Rating(Enum):
    UP = "UP"
    DOWN = "DOWN"


@strawberry.input(description="Which logged answers: each field narrows the list; omitted fields match all.")
class AnswerFilter:
    interface: str | None = strawberry.field(default=None, description="graphql, chat, mcp or cli.")
    model: str | None = strawberry.field(default=None, description="The model that answered, as answers name it.")
    rating: Rating | None = strawberry.field(default=None, description="The latest rating.")
    rated: bool | None = strawberry.field(default=None, description="Rated at least once, or never.")
    corrected: bool | None = strawberry.field(default=None, description="The latest rating carries a correction.")

    def to_domain(self) -> DomainFilter:
        """The service's filter; a name over 200 characters is an InvalidArgumentError."""
        for name, value in (("interface", self.interface), ("model", self.model)):
            if value is not None and len(value) > 200:
                raise InvalidArgumentError(f"'filter.{name}' is at most 200 characters")
        return DomainFilter(
            interface=self.interface,
            model=self.model,
            rating=self.rating.value if self.rating is not None else None,
            rated=self.rated,
            corrected=self.corrected,
        )


@strawberry.type(description="A citation of a logged answer; gone when its document has since been deleted.")
class LoggedCitation:
    number: int
    chunk_id: str
    document_id: str | None
    gone: bool


@strawberry.type(description="An answer as the log keeps it, with its latest rating.")
class LoggedAnswer:
    id: strawberry.ID
    question: str | None = strawberry.field(description="Null when the log keeps only question hashes.")
    text: str
    span: str | None
    answerable: bool
    model: str
    adapter: str | None
    interface: str
    key_name: str = strawberry.field(description="The API key's label and digest (never the key).")
    at: datetime
    retrieval: str = strawberry.field(description="The settings that shaped retrieval, as JSON.")
    timings: list[Timing]
    citations: list[LoggedCitation]
    relations: list[str]
    rating: Rating | None
    correction: str | None
    comment: str | None
    rated_at: datetime | None
    ratings: int = strawberry.field(description="How many times it was rated (the latest counts).")

    @classmethod
    def from_domain(cls, answer: DomainLoggedAnswer) -> LoggedAnswer:
        return cls(
            id=strawberry.ID(answer.id),
            question=answer.question,
            text=answer.text,
            span=answer.span,
            answerable=answer.answerable,
            model=answer.model,
            adapter=answer.adapter,
            interface=answer.interface,
            key_name=answer.key_name,
            at=answer.at,
            retrieval=json.dumps(answer.retrieval, sort_keys=True),
            timings=Timing.from_domain(answer.timings),
            citations=[LoggedCitation(**c.model_dump()) for c in answer.citations],
            relations=answer.relations,
            rating=Rating(answer.rating) if answer.rating else None,
            correction=answer.correction,
            comment=answer.comment,
            rated_at=answer.rated_at,
            ratings=answer.ratings,
        )


def _encode(answer: DomainLoggedAnswer) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{answer.at.isoformat()}|{answer.id}".encode()).decode()


def decode_answer_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The (time, id) after which a page starts (None: from the newest); InvalidArgumentError for a cursor this API
    did not make."""
    if cursor is None:
        return None
    problem = InvalidArgumentError("'after' is not a cursor of the answer log: pass pageInfo.endCursor")
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
        at, _, ident = text.removeprefix(_PREFIX).partition("|")
        if not text.startswith(_PREFIX) or not ident:
            raise problem
        return datetime.fromisoformat(at), ident
    except (binascii.Error, UnicodeError, ValueError):
        raise problem from None


@strawberry.type(description="A logged answer of a page, with its cursor.")
class AnswerLogEdge:
    node: LoggedAnswer
    cursor: str


@strawberry.type(description="A page of logged answers, newest first.")
class AnswerLogConnection:
    edges: list[AnswerLogEdge]
    page_info: PageInfo

    @classmethod
    def from_domain(cls, answers: list[DomainLoggedAnswer], *, has_next_page: bool) -> AnswerLogConnection:
        edges = [AnswerLogEdge(node=LoggedAnswer.from_domain(a), cursor=_encode(a)) for a in answers]
        return cls(
            edges=edges, page_info=PageInfo(has_next_page=has_next_page, end_cursor=edges[-1].cursor if edges else None)
        )
