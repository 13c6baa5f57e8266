"""The chat completions request as OpenAI clients send it, checked, and the one question it asks the graph.

The graph answers the last user message. Earlier turns matter only for a follow-up: when the last message leans on
a pronoun ("What is its capital?") the previous user message is put in front of it, so entity linking sees what
"its" means. System prompts and assistant turns are accepted and not used: the answer comes from the graph, not
from instructions. Only text content is accepted (a list of ``{"type": "text"}`` parts counts as text).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trellis.api.errors import InvalidRequestError
from trellis.retrieval import AnswerOptions, RetrievalError
from trellis.retrieval.questions import clean_question

__all__ = ["ChatCompletionRequest", "ChatMessage", "parse_request", "question_of"]

ROLES = ("system", "developer", "user", "assistant")
_FOLLOW_UP = re.compile(r"\b(it|its|they|them|their|there|he|him|his|she|her|hers|this|these|those)\b", re.IGNORECASE)


class ContentPart(BaseModel):
    """One part of a message's content; only ``text`` parts are accepted."""

    model_config = ConfigDict(extra="ignore")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """A message of the conversation."""

    model_config = ConfigDict(extra="ignore")

    role: str
    content: str | list[ContentPart] | None = None
    name: str | None = None

    def text(self, *, position: int) -> str:
        """The message's text; refuses content that is not text."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        texts: list[str] = []
        for part in self.content:
            if part.type != "text" or part.text is None:
                raise InvalidRequestError(
                    f"messages[{position}]: only text content is supported, got a '{part.type}' part",
                    param=f"messages[{position}].content",
                )
            texts.append(part.text)
        return "\n".join(texts)


class StreamOptions(BaseModel):
    """``stream_options``: whether the last streamed chunk carries the usage."""

    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """The fields of an OpenAI chat completions request that Trellis reads; the rest is accepted and ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool | None = False
    n: int | None = 1
    stream_options: StreamOptions | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    user: str | None = None


def parse_request(body: bytes, *, max_messages: int) -> ChatCompletionRequest:
    """The request in ``body``, checked: JSON, the fields' types, n == 1, known roles, at most ``max_messages``."""
    try:
        data: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidRequestError(f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRequestError("the body must be a JSON object with 'model' and 'messages'")
    try:
        request = ChatCompletionRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidRequestError(f"{where}: {first['msg']}", param=where) from None
    if request.n not in (None, 1):
        raise InvalidRequestError("n must be 1: the graph gives one answer per question", param="n")
    if len(request.messages) > max_messages:
        raise InvalidRequestError(
            f"{len(request.messages)} messages is more than the limit of {max_messages}", param="messages"
        )
    for position, message in enumerate(request.messages):
        if message.role not in ROLES:
            raise InvalidRequestError(
                f"messages[{position}].role '{message.role[:40]}' is not supported: use one of {', '.join(ROLES)}",
                param=f"messages[{position}].role",
            )
    return request


def question_of(messages: list[ChatMessage], *, options: AnswerOptions) -> str:
    """The question for the graph: the last user message, after the previous one when it is a follow-up."""
    users = [(position, message) for position, message in enumerate(messages) if message.role == "user"]
    if not users:
        raise InvalidRequestError("the conversation has no user message to answer", param="messages")
    position, last = users[-1]
    try:
        question = clean_question(last.text(position=position), max_chars=options.max_question_chars)
    except RetrievalError as exc:  # empty, or longer than the limit
        raise InvalidRequestError(str(exc), param=f"messages[{position}].content") from None
    if len(users) > 1 and _FOLLOW_UP.search(question):
        earlier_position, earlier = users[-2]
        room = options.max_question_chars - len(question) - 1
        context = " ".join(earlier.text(position=earlier_position).split())
        if room > 0 and context:
            question = f"{context[:room]}\n{question}"
    return question
