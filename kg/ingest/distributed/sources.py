"""The loading stage: a corpus as a Ray dataset of documents, in the order one process would load them.

A local path (a file or a folder) is listed here, in the driver, exactly as :func:`~kg.ingest.loaders.load_paths`
lists it; each file is then loaded by a Ray task with :func:`~kg.ingest.loaders.load_file`, so its documents get the
ids one process gives them. The tasks read the path on their own machine: on a cluster the corpus must be on storage
every node mounts at the same path, or in a bucket. A URI (``s3://bucket/prefix``, opened with pyarrow's
filesystems as exports are) names a dataset of ``.parquet`` files with the JSONL record's columns (``id``, ``text``,
``title``, ``metadata``) or of ``.jsonl`` files read by the JSONL loader itself, one document per record.

Each loaded document is compared with what the graph held of it when the ingest began (read once by the driver,
sent with the loading function): one the graph holds as it is is marked unchanged
(:meth:`~kg.ingest.distributed.work.DocumentWork.loaded`), and the stages after this one pass it through.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import Any

from pydantic import BaseModel

from trellis.kg.errors import ConfigurationError, LoaderError
from trellis.kg.exchange.filesystems import Location, open_location
from trellis.kg.files import is_uri
from trellis.kg.ingest.distributed.work import DOCUMENTS_PER_CALL, Batch, DocumentWork, Stored, encoded
from trellis.kg.ingest.loaders import LoadFailure
from trellis.kg.ingest.loaders.base import make_document
from trellis.kg.ingest.loaders.jsonl import iter_jsonl, parse_record
from trellis.kg.ingest.loaders.paths import LoadResult, find_files, load_file
from trellis.kg.types import Document

__all__ = ["Corpus", "read_corpus"]

_MAX_BLOCKS = 256  # blocks the list of files is cut into: one loading task each
_JSONL, _PARQUET = (".jsonl", ".ndjson"), (".parquet",)


class Corpus(BaseModel):
    """What to load: local paths with their globs, or one dataset URI."""

    paths: list[str]
    include: list[str] | None = None
    exclude: list[str] | None = None
    endpoint: str | None = None
    max_bytes: int
    load_cpus: float = 0.25
    """CPUs each loading task asks Ray for."""


class _FileItem(BaseModel):
    """One local file for a loading task (or a folder that could not be listed)."""

    path: str = ""
    root: str | None = None
    failure: LoadFailure | None = None


def _works(results: Iterator[LoadResult], began: float, stored: Stored) -> Iterator[Batch]:
    works: list[DocumentWork] = []
    for result in results:
        if isinstance(result, Document):
            works.append(DocumentWork.loaded(result, perf_counter() - began, stored))
        else:
            works.append(DocumentWork(failure=result))
        began = perf_counter()
        if len(works) == DOCUMENTS_PER_CALL:
            yield encoded(works)
            works = []
    if works:
        yield encoded(works)


def _load_files(batch: Batch, *, max_bytes: int, stored: Stored) -> Iterator[Batch]:
    for text in batch["item"]:
        item = _FileItem.model_validate_json(text)
        if item.failure is not None:
            yield encoded([DocumentWork(failure=item.failure)])
            continue
        root = None if item.root is None else Path(item.root)
        yield from _works(load_file(item.path, root=root, max_bytes=max_bytes), perf_counter(), stored)


def _load_jsonl(batch: Batch, *, max_bytes: int, scheme: str, stored: Stored) -> Iterator[Batch]:
    for path, data in zip(batch["path"], batch["bytes"], strict=True):
        source = f"{scheme}://{path}"  # pyarrow names a file without its scheme
        yield from _works(
            iter_jsonl(io.BytesIO(bytes(data)), source=source, max_bytes=max_bytes), perf_counter(), stored
        )


def _record_document(record: dict[str, Any], source: str) -> LoadResult:
    try:
        doc_id, parsed = parse_record({key: value for key, value in record.items() if value is not None})
        return make_document(
            source=source, parsed=parsed, fallback_title=doc_id,
            metadata={"format": "parquet", "byte_size": len(str(record.get("text", "")).encode())}, doc_id=doc_id,
        )  # fmt: skip
    except ValueError as error:
        return LoadFailure(source=source, reason=str(error))
    except LoaderError as error:
        return LoadFailure.from_error(error)


def _load_records(batch: Batch, *, scheme: str, stored: Stored) -> Batch:
    columns = [name for name in batch if name != "path"]
    works = []
    for position, path in enumerate(batch["path"]):
        began = perf_counter()
        record = {name: _plain(batch[name][position]) for name in columns}
        result = _record_document(record, f"{scheme}://{path}")
        if isinstance(result, Document):
            works.append(DocumentWork.loaded(result, perf_counter() - began, stored))
        else:
            works.append(DocumentWork(failure=result))
    return encoded(works)


def _plain(value: Any) -> Any:
    """A numpy value of a Parquet column as the JSON value a JSONL record would hold."""
    return value.tolist() if hasattr(value, "tolist") else value


def _local(corpus: Corpus, stored: Stored) -> Any:
    import ray.data

    items = []
    for found in find_files(corpus.paths, corpus.include, corpus.exclude):
        if isinstance(found, LoadFailure):
            items.append(_FileItem(failure=found))
        else:
            items.append(_FileItem(path=str(found[0]), root=None if found[1] is None else str(found[1])))
    rows = [{"item": item.model_dump_json()} for item in items]
    blocks = max(1, min(len(rows), _MAX_BLOCKS))
    load = partial(_load_files, max_bytes=corpus.max_bytes, stored=stored)
    return ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
        load, batch_size=1, batch_format="numpy", num_cpus=corpus.load_cpus
    )


def _dataset_files(location: Location) -> list[str]:
    import pyarrow.fs as pafs

    with_info = location.filesystem.get_file_info(location.path)
    if with_info.type == pafs.FileType.File:
        return [location.path]
    return [location.join(name) for name in location.files()]


def _remote(corpus: Corpus, stored: Stored) -> Any:
    import ray.data

    if len(corpus.paths) != 1:
        raise ConfigurationError("a dataset URI is ingested on its own: give one s3://... path per ingest")
    location = open_location(corpus.paths[0], endpoint=corpus.endpoint)
    files = _dataset_files(location)
    jsonl = [path for path in files if path.lower().endswith(_JSONL)]
    parquet = [path for path in files if path.lower().endswith(_PARQUET)]
    if bool(jsonl) == bool(parquet):
        found = "both .jsonl and .parquet files" if jsonl else "no .jsonl or .parquet file"
        raise ConfigurationError(f"{location.uri} holds {found}: a dataset is one or the other")
    scheme = location.uri.split("://", 1)[0]
    reading = {"num_cpus": corpus.load_cpus}  # Ray's default, a whole CPU, may never be free beside the actors
    if jsonl:
        read = ray.data.read_binary_files(
            jsonl, filesystem=location.filesystem, include_paths=True, ray_remote_args=reading
        )
        load = partial(_load_jsonl, max_bytes=corpus.max_bytes, scheme=scheme, stored=stored)
        return read.map_batches(load, batch_size=1, batch_format="numpy", num_cpus=corpus.load_cpus)
    read = ray.data.read_parquet(parquet, filesystem=location.filesystem, include_paths=True, ray_remote_args=reading)
    records = partial(_load_records, scheme=scheme, stored=stored)
    return read.map_batches(records, batch_size=DOCUMENTS_PER_CALL, batch_format="numpy", num_cpus=corpus.load_cpus)


def read_corpus(corpus: Corpus, *, stored: Stored | None = None) -> Any:
    """The Ray dataset of the corpus's documents (a ``ray.data.Dataset`` of :mod:`~kg.ingest.distributed.work`
    rows), in load order; those that ``stored`` (what the graph holds, read by the driver) holds as they are
    marked unchanged."""
    stored = {} if stored is None else stored
    uris = [path for path in corpus.paths if is_uri(path)]
    if uris and len(uris) != len(corpus.paths):
        raise ConfigurationError("give local paths or one dataset URI, not both")
    return _remote(corpus, stored) if uris else _local(corpus, stored)
