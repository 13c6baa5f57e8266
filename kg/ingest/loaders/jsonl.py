"""JSON Lines (``.jsonl``): one document per line, ``{"id", "text", "title"?, "metadata"?}``.

The file is streamed a line at a time, so a corpus of any size loads in constant memory; ``max_bytes``
limits each line (each document), not the file. A bad line becomes a :class:`LoadFailure` naming its line
number and the other lines load. Metadata must be flat (strings, numbers, booleans or lists of them) so that
it can become properties of the document's node in Neo4j.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

from trellis.kg.errors import LoaderError
from trellis.kg.ingest.loaders.base import LoadFailure, Parsed, make_document
from trellis.kg.ingest.loaders.encoding import check_not_binary
from trellis.kg.ingest.loaders.wikitext import prose
from trellis.kg.types import Document

__all__ = ["iter_jsonl", "parse_record"]

_SNIFF_BYTES = 8192
_SKIP_CHUNK = 1 << 20
_SCALARS = (str, int, float, bool)
_RESERVED = frozenset({"id", "source", "title", "text", "sha256", "ingested_at"})  # Document's own fields


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _check_metadata(metadata: Any) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        raise ValueError(f"'metadata' must be an object, got {_type_name(metadata)}")
    flat: dict[str, Any] = {}
    for key, value in metadata.items():
        if key in _RESERVED:
            raise ValueError(f"metadata key {key!r} is reserved for the document itself; rename it")
        if value is None:
            continue  # Neo4j has no null properties; absent says the same
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, _SCALARS) for item in values):
            expected = "a string, number, boolean or a list of them"
            raise ValueError(f"metadata[{key!r}] must be {expected}, got {_type_name(value)}")
        if len({_type_name(item) for item in values}) > 1:
            raise ValueError(f"metadata[{key!r}] mixes types; a list holds one type (a Neo4j property rule)")
        flat[key] = value
    return flat


def parse_record(record: Any) -> tuple[str, Parsed]:
    """The id and parsed content of one JSONL record; :class:`ValueError` says what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {_type_name(record)}")
    for name in ("id", "text"):
        if name not in record:
            raise ValueError(f"missing required field {name!r}")
        if not isinstance(record[name], str):
            raise ValueError(f"{name!r} must be a string, got {_type_name(record[name])}")
    if not record["id"].strip():
        raise ValueError("'id' is empty")
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"'title' must be a string, got {_type_name(title)}")
    metadata = _check_metadata(record.get("metadata") or {})
    text, markup = prose(record["text"])
    if markup:
        metadata = {**metadata, "markup": markup}
    return record["id"].strip(), Parsed(text=text, title=title, metadata=metadata)


def _read_line(stream: IO[bytes], max_bytes: int) -> tuple[bytes, bool]:
    """The next line without its ending, and whether it is longer than ``max_bytes`` (then it is cut)."""
    limit = max_bytes + 2  # room for "\r\n"
    line = stream.readline(limit)
    too_long = len(line) == limit and not line.endswith(b"\n")
    if too_long:  # skip the rest of the line without holding it
        while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
            pass
    content = line.rstrip(b"\r\n")
    return content, too_long or len(content) > max_bytes


def iter_jsonl(stream: IO[bytes], *, source: str, max_bytes: int) -> Iterator[Document | LoadFailure]:
    """Every document of a JSONL stream, and a failure for each line that is not one."""
    sniff = stream.read(_SNIFF_BYTES)
    if not sniff:
        raise LoaderError(source, "empty file")
    check_not_binary(sniff, source)
    stream.seek(0)
    seen: dict[str, int] = {}
    number = 0
    blank = 0
    while True:
        start = stream.tell()
        content, too_long = _read_line(stream, max_bytes)
        if stream.tell() == start:
            break
        number += 1
        if number == 1 and content.startswith(codecs.BOM_UTF8):
            content, offset = content[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
        else:
            offset = 0
        if too_long:
            reason = f"line longer than the limit of {max_bytes} bytes"
            yield LoadFailure(source=source, line=number, reason=reason)
            continue
        if not content.strip():
            blank += 1
            continue
        try:
            doc_id, parsed = _decode_line(content, start + offset)
            if doc_id in seen:
                raise ValueError(f"duplicate id {doc_id!r} (first on line {seen[doc_id]})")
            document = make_document(
                source=source,
                parsed=parsed,
                fallback_title=doc_id,
                metadata={"format": "jsonl", "byte_size": len(content), "line": number},
                doc_id=doc_id,
            )
        except ValueError as error:
            yield LoadFailure(source=source, line=number, reason=str(error))
            continue
        except LoaderError:
            yield LoadFailure(source=source, line=number, reason=f"'text' of {doc_id!r} is empty")
            continue
        seen[doc_id] = number
        yield document
    if blank == number:
        yield LoadFailure(source=source, reason="no documents: every line is blank")


def _decode_line(content: bytes, file_offset: int) -> tuple[str, Parsed]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"not valid UTF-8: byte 0x{content[error.start]:02X} at byte offset {file_offset + error.start}"
        ) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error.msg} at column {error.colno}") from None
    return parse_record(record)
