"""An answer of the graph as OpenAI chat completion objects: the whole message, or streamed chunks.

The content keeps the answer's ``[n]`` markers and ends with a "Sources" footnote naming each cited chunk's
document (title and id) and chunk id, because chat clients drop fields they do not know. Programs get the same
sources as ``annotations`` on the message (OpenAI's ``url_citation`` shape, with the marker's position in the content
and a ``trellis:`` URL naming the document and chunk) and, with the relations used and the "open in Neo4j Browser"
link of the answer's subgraph, in a ``trellis`` field.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from trellis.api.browser_link import browser_link
from trellis.api.services.ask import cited_sources
from trellis.kg.settings import Settings
from trellis.retrieval import Answer, Retriever

__all__ = [
    "Source",
    "chunk",
    "citation_annotations",
    "completion",
    "completion_id",
    "footnote",
    "sources_of",
    "trellis_extension",
    "usage",
]


class Source(BaseModel):
    """A cited chunk: its ``[number]`` in the answer, its id, and its document's id, title and section."""

    number: int
    chunk_id: str
    document_id: str | None = None
    title: str | None = None
    section: str | None = None

    @property
    def url(self) -> str:
        """A ``trellis:`` URL naming the document and the chunk."""
        return f"trellis://documents/{quote(self.document_id or '', safe='')}/chunks/{quote(self.chunk_id, safe='')}"


def completion_id() -> str:
    """A fresh ``chatcmpl-`` id."""
    return f"chatcmpl-{uuid.uuid4().hex}"


def sources_of(answer: Answer, retriever: Retriever) -> list[Source]:
    """The answer's citations with their documents' titles and sections, in order of their numbers."""
    return [Source.model_validate(citation.model_dump()) for citation in cited_sources(retriever, answer)]


def footnote(sources: list[Source]) -> str:
    """The "Sources" footnote appended to the content (empty without sources)."""
    if not sources:
        return ""
    lines = [
        f"[{s.number}] {s.title or s.document_id or 'document'}{f' — {s.section}' if s.section else ''} "
        f"(document `{s.document_id}`, chunk `{s.chunk_id}`)"
        for s in sources
    ]
    return "\n\nSources:\n" + "\n".join(lines)


def citation_annotations(text: str, sources: list[Source]) -> list[dict[str, Any]]:
    """A ``url_citation`` annotation for each ``[n]`` marker of ``text`` (the answer before its footnote)."""
    by_number = {s.number: s for s in sources}
    found: list[dict[str, Any]] = []
    for match in re.finditer(r"\[(\d+)\]", text):
        source = by_number.get(int(match.group(1)))
        if source is None:
            continue
        found.append(
            {
                "type": "url_citation",
                "url_citation": {
                    "start_index": match.start(),
                    "end_index": match.end(),
                    "title": source.title or source.document_id or source.chunk_id,
                    "url": source.url,
                    "number": source.number,
                    "chunk_id": source.chunk_id,
                    "document_id": source.document_id,
                },
            }
        )
    return found


def trellis_extension(answer: Answer, sources: list[Source], *, settings: Settings, internals: bool) -> dict[str, Any]:
    """What programs may read beyond the OpenAI fields: sources, relations used, and for a caller who may see the
    server's addresses (``internals``: :func:`api.disclosure.shows_internals`) the Neo4j Browser link."""
    return {
        "answerable": answer.answerable,
        "browser_url": browser_link(settings, answer.subgraph, internals=internals),
        "question": answer.question,
        "sources": [s.model_dump() for s in sources],
        "chunk_ids": answer.chunk_ids,
        "document_ids": answer.document_ids,
        "relations": [
            {"subject": f.subject, "predicate": f.predicate, "object": f.object, "confidence": f.confidence}
            for f in answer.relations
        ],
        "timings": answer.timings,
    }


def usage(retriever: Retriever, answer: Answer, content: str) -> dict[str, int]:
    """Token counts with the embedder's tokenizer: the question and its context in, the content out."""
    prompt = retriever.embedder.count_tokens(f"{answer.question}\n{answer.context}")
    completion_tokens = retriever.embedder.count_tokens(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion_tokens, "total_tokens": prompt + completion_tokens}


def completion(
    *, ident: str, model: str, content: str, notes: list[dict[str, Any]], extension: dict[str, Any], tokens: Any
) -> dict[str, Any]:
    """A whole ``chat.completion`` object."""
    return {
        "id": ident,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, "annotations": notes},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": tokens,
        "trellis": extension,
    }


def chunk(
    *, ident: str, created: int, model: str, delta: dict[str, Any] | None, finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A ``chat.completion.chunk`` object; ``delta`` None gives a chunk without choices (the usage chunk)."""
    choices = [] if delta is None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
    return {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "choices": choices,
        **extra,
    }
