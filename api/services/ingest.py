"""Ingest and delete: sent texts become documents of the graph, and documents leave it exactly.

Interfaces send texts, never paths on the server (a key holder must not make the server read its own files): the
texts are written to a JSONL file in a private temporary folder and go through the same
:class:`~kg.ingest.pipeline.IngestPipeline` as ``trellis ingest``. After each change the retriever reloads its
vector indexes, so what was written is searchable at once.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trellis.api.errors import InvalidArgumentError, NotFoundError
from trellis.api.services.documents import missing_documents
from trellis.api.services.types import IngestOutcome
from trellis.kg.errors import TrellisError
from trellis.kg.ingest.loaders.base import sha256_text
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever

if TYPE_CHECKING:
    from trellis.kg.ingest.extraction import Extractor
    from trellis.kg.ingest.pipeline import IngestPipeline
    from trellis.kg.ingest.writer import Removal
    from trellis.kg.progress import Progress

__all__ = ["Ingestion", "NewDocument", "validate_documents"]


@dataclass(frozen=True)
class NewDocument:
    """A document sent to an interface: its text, and optionally id, title and source label."""

    text: str
    id: str | None = None
    title: str | None = None
    source: str | None = None

    def record(self) -> dict[str, Any]:
        """The JSONL record of this document (the id defaults to a hash of the text)."""
        record: dict[str, Any] = {"id": self.id or "api-" + sha256_text(self.text)[:16], "text": self.text}
        if self.title:
            record["title"] = self.title
        if self.source:
            record["metadata"] = {"origin": self.source}
        return record


def validate_documents(documents: Sequence[NewDocument], *, most: int, max_bytes: int) -> None:
    """Refuse empty, too many, too large or duplicated documents with a message naming the problem."""
    if not documents:
        raise InvalidArgumentError("no documents: send at least one {text: ...}")
    if len(documents) > most:
        raise InvalidArgumentError(f"{len(documents)} documents in one call; the limit is {most}: split them")
    ids: set[str] = set()
    for position, document in enumerate(documents):
        if not document.text.strip():
            raise InvalidArgumentError(f"document {position} has no text")
        if len(document.text.encode("utf-8")) > max_bytes:
            raise InvalidArgumentError(f"document {position} is larger than {max_bytes} bytes")
        if document.id is not None and (not document.id.strip() or len(document.id) > 200):
            raise InvalidArgumentError(f"document {position}: an id must be 1-200 characters")
        key = document.record()["id"]
        if key in ids:
            raise InvalidArgumentError(f"document {position}: id {key!r} appears twice in this call")
        ids.add(key)


class Ingestion:
    """Ingest sent documents and delete stored ones through one pipeline, over a retriever's store, embedder and
    indexes. One change at a time: the caller serialises them (the API's one ingest worker)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._extractor: Extractor | None = None  # spaCy loaded once, for every ingest

    def ingest(
        self,
        retriever: Retriever,
        records: Sequence[dict[str, Any]],
        *,
        batch: str,
        progress: Progress | None = None,
    ) -> IngestOutcome:
        """Write the documents' ``records`` (:meth:`NewDocument.record`) to the graph and the vector indexes, read
        from a file named after ``batch`` (a job id); unchanged documents are skipped, changed ones replaced, and a
        bad one fails alone."""
        with tempfile.TemporaryDirectory(prefix="trellis-api-ingest-") as folder:
            path = Path(folder) / f"{batch}.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            report = self._pipeline(retriever, progress).ingest([path], exclude=[])
        retriever.reload_indexes()
        with contextlib.suppress(TrellisError):  # the new graph read here; else by the next question
            retriever.snapshot()
        return IngestOutcome(
            written=report.documents,
            skipped=report.skipped,
            failed=report.failed,
            chunks=report.chunks,
            failures=[str(failure).replace(str(path), "document") for failure in report.failures],
        )

    def delete(self, retriever: Retriever, document_ids: Sequence[str]) -> Removal:
        """Remove documents and exactly the support they gave; NotFoundError (nothing removed) if one is unknown."""
        missing = missing_documents(retriever.store, document_ids)
        if missing:
            named = ", ".join(repr(document_id) for document_id in missing)
            raise NotFoundError(f"no document with id {named}: list them with the documents query")
        removal = self._pipeline(retriever).delete(document_ids)
        retriever.reload_indexes()
        return removal

    def _pipeline(self, retriever: Retriever, progress: Progress | None = None) -> IngestPipeline:
        from trellis.kg.ingest.extraction import SpacyExtractor
        from trellis.kg.ingest.pipeline import IngestPipeline

        if self._extractor is None and not self.settings.llm_extraction:
            self._extractor = SpacyExtractor.from_settings(self.settings)
        return IngestPipeline(
            self.settings,
            store=retriever.store,
            embedder=retriever.embedder,
            extractor=self._extractor,
            progress=progress,
        )
