"""The OpenAI-compatible routes, mounted at ``/v1``: ``POST /chat/completions`` and ``GET /models``.

Chat clients (Open WebUI, LibreChat, the openai SDK, LangChain's ChatOpenAI) talk to Trellis unchanged: the base URL
is ``http://HOST:PORT/v1``, the API key is a Trellis key with the read scope. Errors come back in OpenAI's shape,
``{"error": {"message", "type", "param", "code"}}``, with a 4xx status for anything the caller can fix; a stream
that fails after it started ends with such an error event and ``data: [DONE]``.
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute

import trellis.api.chat.completions as build
from trellis.api.answer_limiter import Ticket
from trellis.api.answer_records import log_answer
from trellis.api.auth import Principal, require_scope
from trellis.api.chat.messages import parse_request, question_of
from trellis.api.disclosure import shows_internals
from trellis.api.errors import (
    ApiError,
    ModelNotFoundError,
    RequestTooLargeError,
    error_headers,
    public_message,
)
from trellis.api.services.ask import answer_question, stream_answer
from trellis.api.state import AppState, get_state
from trellis.kg.errors import GraphError, ModelError, TrellisError, VectorIndexError
from trellis.retrieval import Answer, AnswerOptions, RetrievalError, Retriever

__all__ = ["error_body", "router"]

logger = logging.getLogger(__name__)

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
}
_STARTED = int(time.time())


def error_body(exc: TrellisError, *, production: bool) -> tuple[int, dict[str, Any]]:
    """The HTTP status and OpenAI-style error body for a Trellis error (unexpected ones are not passed here); in
    production a server-side failure is described without its URIs and paths."""
    if isinstance(exc, ApiError):
        status = exc.status_code
    elif isinstance(exc, RetrievalError):
        status = 400
    elif isinstance(exc, GraphError | ModelError | VectorIndexError):
        status = 503
    else:
        status = 500
    code = "model_not_found" if isinstance(exc, ModelNotFoundError) else None
    message = public_message(exc, production=production)
    error = {"message": message, "type": _TYPES.get(status, "server_error"), "param": getattr(exc, "param", None)}
    return status, {"error": {**error, "code": code}}


class OpenAIRoute(APIRoute):
    """A route whose Trellis errors (auth included) answer in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except TrellisError as exc:
                status, body = error_body(exc, production=get_state(request).settings.api_production)
                if status >= 500:
                    logger.warning("chat request failed: %s", exc)
                headers = error_headers(exc) if isinstance(exc, ApiError) else None
                return JSONResponse(body, status_code=status, headers=headers)

        return handle


router = APIRouter(route_class=OpenAIRoute, tags=["openai"])
State = Annotated[AppState, Depends(get_state)]
Reader = Annotated[Principal, Depends(require_scope("read"))]


def _model_ids(retriever: Retriever) -> list[str]:
    return list(dict.fromkeys(["trellis", retriever.generator.name]))


def _model(ident: str) -> dict[str, Any]:
    return {"id": ident, "object": "model", "created": _STARTED, "owned_by": "trellis"}


@router.get("/models")
async def list_models(state: State, _: Reader) -> dict[str, Any]:
    """The models this API answers with: ``trellis`` and the generator's own name (the same answers)."""
    retriever = await run_in_threadpool(lambda: state.retriever)
    return {"object": "list", "data": [_model(ident) for ident in _model_ids(retriever)]}


@router.get("/models/{model_id:path}")
async def get_model(model_id: str, state: State, _: Reader) -> dict[str, Any]:
    """One model by id (404 for an unknown one)."""
    retriever = await run_in_threadpool(lambda: state.retriever)
    if model_id not in _model_ids(retriever):
        raise ModelNotFoundError(f"the model '{model_id[:100]}' does not exist: use one of {_model_ids(retriever)}")
    return _model(model_id)


@router.post("/chat/completions", response_model=None)
async def chat_completions(request: Request, state: State, caller: Reader) -> JSONResponse | StreamingResponse:
    """Answer the conversation's last user message from the graph, whole or streamed as server-sent events."""
    settings = state.settings
    internals = shows_internals(settings, caller)  # the Browser link for the operator only
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.chat_max_request_bytes:
        raise RequestTooLargeError(f"the body is larger than {settings.chat_max_request_bytes:,} bytes")
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > settings.chat_max_request_bytes:
            raise RequestTooLargeError(f"the body is larger than {settings.chat_max_request_bytes:,} bytes")
    chat = parse_request(bytes(body), max_messages=settings.chat_max_messages)
    options = AnswerOptions()
    question = question_of(chat.messages, options=options)
    retriever = await run_in_threadpool(lambda: state.retriever)
    if chat.model not in _model_ids(retriever):
        raise ModelNotFoundError(
            f"the model '{chat.model[:100]}' does not exist: use one of {', '.join(_model_ids(retriever))}"
        )
    model = retriever.generator.name

    def record(answer: Answer, ident: str) -> None:  # the completion id is the answer's id in the log
        log_answer(state, answer, caller, interface="chat", options=options, answer_id=ident)

    ticket = state.answers.admit()  # 503 with Retry-After when the server is answering all it can
    await ticket.ready()  # a slot, waited for without a thread (503 after too long a wait)
    if chat.stream:
        include_usage = bool(chat.stream_options and chat.stream_options.include_usage)
        events = _stream(
            retriever,
            question,
            options,
            model=model,
            include_usage=include_usage,
            ticket=ticket,
            internals=internals,
            record=record,
        )
        weakref.finalize(events, ticket.release)  # a stream dropped before its first event frees its place too
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)

    def whole() -> dict[str, Any]:
        with ticket:
            return _whole(retriever, question, options, model=model, internals=internals, record=record)

    return JSONResponse(await run_in_threadpool(whole))


def _whole(
    retriever: Retriever,
    question: str,
    options: AnswerOptions,
    *,
    model: str,
    internals: bool,
    record: Callable[[Answer, str], None],
) -> dict[str, Any]:
    """The whole ``chat.completion`` for ``question`` (run in a thread: retrieval is blocking work), logged under
    its completion id."""
    answer = answer_question(retriever, question, options)
    ident = build.completion_id()
    record(answer, ident)
    sources = build.sources_of(answer, retriever)
    content = answer.text + build.footnote(sources)
    return build.completion(
        ident=ident,
        model=model,
        content=content,
        notes=build.citation_annotations(answer.text, sources),
        extension=build.trellis_extension(answer, sources, settings=retriever.settings, internals=internals),
        tokens=build.usage(retriever, answer, content),
    )


def _event(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _stream(
    retriever: Retriever,
    question: str,
    options: AnswerOptions,
    *,
    model: str,
    include_usage: bool,
    ticket: Ticket,
    internals: bool,
    record: Callable[[Answer, str], None],
) -> Iterator[str]:
    """Server-sent events of ``chat.completion.chunk`` objects, ending with ``data: [DONE]`` (run in a thread,
    holding ``ticket``'s slot; a client that goes away frees it when the stream is closed)."""
    ident, created = build.completion_id(), int(time.time())

    def event(delta: dict[str, Any] | None, finish: str | None = None, **extra: Any) -> str:
        return _event(build.chunk(ident=ident, created=created, model=model, delta=delta, finish=finish, **extra))

    yield event({"role": "assistant", "content": ""})
    with ticket:  # its slot was taken before the response began
        yield from _answer_events(
            retriever,
            question,
            options,
            event,
            include_usage=include_usage,
            internals=internals,
            record=lambda answer: record(answer, ident),
        )
    yield "data: [DONE]\n\n"


def _answer_events(
    retriever: Retriever,
    question: str,
    options: AnswerOptions,
    event: Callable[..., str],
    *,
    include_usage: bool,
    internals: bool,
    record: Callable[[Answer], None],
) -> Iterator[str]:
    """The answer's events: its text as generated, the rest of the final text, sources, annotations, usage."""
    streamed: list[str] = []
    try:
        answer: Answer | None = None
        for piece in stream_answer(retriever, question, options):
            if isinstance(piece, Answer):
                answer = piece
            elif piece:
                streamed.append(piece)
                yield event({"content": piece})
        if answer is None:
            raise RetrievalError("the generator ended without an answer")
        record(answer)
        text = "".join(streamed)
        if answer.text != text:  # the final text wins (citation marks added, an abstention normalised)
            rest = answer.text[len(text) :] if answer.text.startswith(text) else f"\n\n{answer.text}"
            yield event({"content": rest})
            text += rest
        sources = build.sources_of(answer, retriever)
        note = build.footnote(sources)
        if note:
            yield event({"content": note})
        yield event(
            {"annotations": build.citation_annotations(text, sources)},
            "stop",
            trellis=build.trellis_extension(answer, sources, settings=retriever.settings, internals=internals),
        )
        if include_usage:
            yield event(None, usage=build.usage(retriever, answer, text + note))
    except TrellisError as exc:
        logger.warning("chat stream failed: %s", exc)
        yield _event(error_body(exc, production=retriever.settings.api_production)[1])
