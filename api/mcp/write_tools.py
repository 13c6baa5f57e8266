"""The MCP write tools, ``ingest`` and ``delete``, offered only when ``TRELLIS_MCP_WRITE_TOOLS=true``.

They go through the app's one ingest worker (:class:`api.jobs.IngestJobs`), like the GraphQL mutations. Over
HTTP the caller's key must hold the write scope (checked on each call from the request's headers; a call without
headers is refused); over stdio the caller is the local user who started ``trellis mcp``, who can write anyway.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from trellis.api.auth import authenticate_headers
from trellis.api.mcp.tools import tool_errors
from trellis.api.services.ingest import NewDocument
from trellis.api.state import AppState

__all__ = ["DeleteResult", "DocumentInput", "IngestResult", "WriteTools"]

logger = logging.getLogger(__name__)

WAIT_SECONDS = 600.0


class DocumentInput(BaseModel):
    """A document to ingest: its text, and optionally a stable id and a title."""

    text: str = Field(min_length=1)
    id: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=500)


class IngestResult(BaseModel):
    """How an ingest job ended (or where it is, when it outlasted the wait)."""

    job_id: str
    status: str
    written: int
    skipped: int
    failed: int
    chunks: int
    failures: list[str]
    message: str | None = None


class DeleteResult(BaseModel):
    """What deleting a document removed."""

    document_id: str
    chunks: int
    entities: int


class WriteTools:
    """Ingest and delete over one app's state."""

    def __init__(self, state: AppState, *, local: bool) -> None:
        self.state = state
        self.local = local  # stdio: the caller is the local user who started `trellis mcp`

    def require_write(self, headers: Mapping[str, str] | None) -> None:
        """Refuse (ToolError) a caller over HTTP without a key holding the write scope."""
        if self.local:
            return
        if headers is None:  # over HTTP a call always has headers; without them nothing says who is calling
            raise ToolError("this call carries no API key; ingest and delete need a key with the 'write' scope")
        principal = authenticate_headers({k.lower(): v for k, v in headers.items()}, self.state.settings)
        if not principal.allows("write"):
            raise ToolError("this API key lacks the 'write' scope that ingest and delete need")

    def ingest(self, documents: list[DocumentInput], ctx: Context) -> IngestResult:
        """Add documents (text, optional id and title) to the knowledge graph; waits until they are searchable."""
        self.require_write(ctx.headers)
        with tool_errors(self.state.settings):
            job = self.state.jobs.submit([NewDocument(text=d.text, id=d.id, title=d.title) for d in documents])
            deadline = time.monotonic() + WAIT_SECONDS
            while not job.finished and time.monotonic() < deadline:
                time.sleep(0.2)
            return IngestResult(
                job_id=job.id,
                status=job.status.value,
                written=job.written,
                skipped=job.skipped,
                failed=job.failed,
                chunks=job.chunks,
                failures=job.failures,
                message=job.message,
            )

    def delete(self, document_id: str, ctx: Context) -> DeleteResult:
        """Remove a document and exactly the support it gave (chunks, mentions, relation evidence)."""
        self.require_write(ctx.headers)
        with tool_errors(self.state.settings):
            removal = self.state.jobs.delete(document_id)
            return DeleteResult(
                document_id=document_id,
                chunks=len(removal.chunk_ids),
                entities=len(removal.entity_ids),
            )
