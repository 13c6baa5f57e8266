"""The Mutation root: ingest documents (as a background job) and delete one, which need ``write``; and rate an
answer, which any key that may ask may do (:mod:`api.graphql.answer_log`).

Ingest takes texts, not server paths (see :mod:`api.services.ingest`); both go through the app's one ingest
worker (:mod:`api.jobs`). Results are unions: the success type, or an
:class:`OperationError` whose code and message say what to fix.
"""

from __future__ import annotations

import strawberry
from anyio import to_thread

from trellis.api.errors import ApiError
from trellis.api.graphql.answer_log import rate_answer as rate_logged_answer
from trellis.api.graphql.context import TrellisInfo
from trellis.api.graphql.fields import mutation
from trellis.api.graphql.permissions import ReadScope, WriteScope
from trellis.api.graphql.queries import checked_id
from trellis.api.graphql.types.inputs import DocumentInput
from trellis.api.graphql.types.job import IngestJob
from trellis.api.graphql.types.results import (
    DeleteDocumentResult,
    DocumentDeleted,
    IngestDocumentsResult,
    IngestStarted,
    OperationError,
)
from trellis.api.services.ingest import NewDocument

__all__ = ["Mutation"]


@strawberry.type(description="Change the graph: ingest and delete documents; rate answers.")
class Mutation:
    rate_answer = mutation(
        permission_classes=[ReadScope],
        description="Rate a logged answer UP or DOWN, with a correction (DOWN) and a comment (any key that may ask).",
    )(rate_logged_answer)

    @mutation(
        permission_classes=[WriteScope],
        description="Ingest texts as documents in the background; returns the job to follow.",
    )
    async def ingest_documents(self, info: TrellisInfo, documents: list[DocumentInput]) -> IngestDocumentsResult:
        sent = [NewDocument(text=d.text, id=d.id, title=d.title, source=d.source) for d in documents]
        try:
            job = info.context.state.jobs.submit(sent)
        except ApiError as exc:
            return OperationError.from_domain(exc)
        return IngestStarted(job=IngestJob.from_domain(job))

    @mutation(
        permission_classes=[WriteScope],
        description="Delete a document and exactly the support it gave (chunks, mentions, evidence, orphans).",
    )
    async def delete_document(self, info: TrellisInfo, id: strawberry.ID) -> DeleteDocumentResult:
        jobs = info.context.state.jobs
        try:
            document_id = checked_id(str(id), name="id")
            removal = await to_thread.run_sync(lambda: jobs.delete(document_id))
        except ApiError as exc:
            return OperationError.from_domain(exc)
        return DocumentDeleted(
            document_id=strawberry.ID(document_id), chunks=len(removal.chunk_ids), entities=len(removal.entity_ids)
        )
