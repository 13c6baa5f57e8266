"""Errors of the API layer, under the one Trellis root.

TrellisError (kg.errors)
└── ApiError                     a request to the API could not be served
    ├── AuthenticationError      no API key, or an unknown one (HTTP 401)
    ├── PermissionDeniedError    the key lacks the scope the operation needs (HTTP 403)
    ├── InvalidRequestError      the body is malformed or asks for what the API does not offer (HTTP 400)
    │   └── InvalidArgumentError an argument is out of range or malformed: a page size, a cursor, a document (HTTP 400)
    ├── ModelNotFoundError       the chat request names a model this API does not serve (HTTP 404)
    ├── RequestTooLargeError     the request body is larger than the configured limit (HTTP 413)
    ├── NotFoundError            no such document, entity or job (HTTP 404)
    └── ServerBusyError          the server cannot take this work now (HTTP 503)
"""

from __future__ import annotations

from trellis.kg.errors import GraphError, ModelError, TrellisError, VectorIndexError
from trellis.retrieval.errors import EmptyQuestionError, QuestionTooLongError

__all__ = [
    "ApiError",
    "AuthenticationError",
    "InvalidArgumentError",
    "InvalidRequestError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RequestTooLargeError",
    "ServerBusyError",
    "error_headers",
    "public_message",
]


class ApiError(TrellisError):
    """A request to the API could not be served."""

    status_code = 400


class AuthenticationError(ApiError):
    """No API key, or an unknown one (HTTP 401)."""

    status_code = 401


class PermissionDeniedError(ApiError):
    """The key lacks the scope the operation needs (HTTP 403)."""

    status_code = 403


class InvalidRequestError(ApiError):
    """The body is malformed or asks for what the API does not offer (HTTP 400)."""

    status_code = 400

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class InvalidArgumentError(InvalidRequestError):
    """An argument is out of range or malformed: a page size, a cursor, a document (HTTP 400).

    The GraphQL and ingest name for a bad value (``INVALID_ARGUMENT`` in a mutation's OperationError); the chat
    route raises its parent. One family, so ``except InvalidRequestError`` sees every bad-input error of the API.
    """


class ModelNotFoundError(ApiError):
    """The chat request names a model this API does not serve (HTTP 404)."""

    status_code = 404


class RequestTooLargeError(ApiError):
    """The request body is larger than the configured limit (HTTP 413)."""

    status_code = 413


class NotFoundError(ApiError):
    """No such document, entity or job."""

    status_code = 404


class ServerBusyError(ApiError):
    """The server cannot take this work now: too many answers or ingest jobs in, or too many sockets open."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds, sent as the Retry-After header


def error_headers(exc: ApiError) -> dict[str, str] | None:
    """The HTTP headers an error's response carries: ``WWW-Authenticate`` for a 401, ``Retry-After`` for a 503."""
    if isinstance(exc, AuthenticationError):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, ServerBusyError):
        return {"Retry-After": str(exc.retry_after)}
    return None


def public_message(exc: TrellisError, *, production: bool) -> str:
    """What a caller is told about ``exc``: the message itself outside production and for the caller's own mistakes;
    in production a server-side failure (Neo4j, a model, the index) gets one generic line, as its message names URIs
    and paths (the log keeps it)."""
    if not production or isinstance(exc, ApiError) or _callers(exc):
        return str(exc)
    if isinstance(exc, GraphError):
        return "the graph database is unavailable; try again later"
    if isinstance(exc, VectorIndexError):
        return "the vector index is unavailable; try again later"
    if isinstance(exc, ModelError):
        return "the model could not answer; try again later"
    return "the server could not do this; try again later"


def _callers(exc: TrellisError) -> bool:
    """Whether ``exc`` is about the caller's own input (a question empty or too long, a bad evaluation set)."""
    return isinstance(exc, EmptyQuestionError | QuestionTooLongError)
