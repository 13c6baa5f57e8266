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

from kg.errors import TrellisError

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
    """The server cannot take this work now (too many ingest jobs waiting)."""

    status_code = 503
