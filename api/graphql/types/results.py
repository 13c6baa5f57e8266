"""What mutations return: a success type or an error that says what went wrong, as a union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from trellis.api.errors import ApiError
from trellis.api.graphql.types.job import IngestJob

__all__ = ["DeleteDocumentResult", "DocumentDeleted", "IngestDocumentsResult", "IngestStarted", "OperationError"]


@strawberry.type(description="The ingest was queued; follow it with the ingestProgress subscription or job query.")
class IngestStarted:
    job: IngestJob


@strawberry.type(description="The document and exactly the support it gave are gone.")
class DocumentDeleted:
    document_id: strawberry.ID
    chunks: int = strawberry.field(description="Chunks removed.")
    entities: int = strawberry.field(description="Entities removed because nothing supported them any more.")


@strawberry.type(description="Why a mutation did nothing: a code (INVALID_ARGUMENT, NOT_FOUND, BUSY) and a message.")
class OperationError:
    code: str
    message: str

    @classmethod
    def from_domain(cls, error: ApiError) -> OperationError:
        codes = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 503: "BUSY"}
        return cls(code=codes.get(error.status_code, "ERROR"), message=str(error))


IngestDocumentsResult = Annotated[IngestStarted | OperationError, strawberry.union("IngestDocumentsResult")]
DeleteDocumentResult = Annotated[DocumentDeleted | OperationError, strawberry.union("DeleteDocumentResult")]
