"""Where an export lives: a local folder or an ``s3://`` (or other pyarrow) URI, opened with pyarrow's filesystems.

S3 takes its credentials the standard AWS way (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``,
an instance role) and its endpoint from ``endpoint`` or ``AWS_ENDPOINT_URL`` (MinIO, Ceph, a loopback test server).
Every storage failure leaves here as one :class:`~kg.errors.StorageError` line that names the fix.

Writing is staged: an export is written into a sibling ``<dest>.partial-<token>`` folder and moved into place only
when complete (one rename on a local disk; on object stores each file is copied, the manifest last), so a failed
export leaves nothing a reader or an import would take for an export.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.fs as pafs

from trellis.kg.errors import StorageError
from trellis.kg.files import is_uri, local_path

__all__ = ["Location", "check_bucket", "commit", "discard", "open_location", "staging_for", "storage_errors"]

logger = logging.getLogger(__name__)

_CREDENTIALS = ("ACCESS_DENIED", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden")
_NO_BUCKET = ("NoSuchBucket", "NO_SUCH_BUCKET")
_UNREACHABLE = ("Couldn't connect", "Could not connect", "NETWORK_CONNECTION", "curlCode")


@dataclass(frozen=True)
class Location:
    """A folder on a filesystem: ``path`` is what the filesystem calls it, ``uri`` what the user typed."""

    filesystem: pafs.FileSystem
    path: str
    uri: str

    @property
    def is_local(self) -> bool:
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    @property
    def bucket(self) -> str | None:
        """The bucket of an object-store location (the path's first part), None on a local disk."""
        return None if self.is_local else self.path.split("/", 1)[0]

    def join(self, *parts: str) -> str:
        """The filesystem path of ``parts`` under this folder."""
        return "/".join([self.path.rstrip("/"), *parts])

    def child(self, *parts: str) -> Location:
        return Location(self.filesystem, self.join(*parts), "/".join([self.uri.rstrip("/"), *parts]))

    def exists(self) -> bool:
        with storage_errors(self):
            return bool(self.filesystem.get_file_info(self.path).type != pafs.FileType.NotFound)  # pyarrow is untyped

    def files(self) -> list[str]:
        """Every file under this folder, as paths relative to it, sorted."""
        with storage_errors(self):
            if self.filesystem.get_file_info(self.path).type == pafs.FileType.NotFound:
                return []
            found = self.filesystem.get_file_info(pafs.FileSelector(self.path, recursive=True))
        prefix = self.path.rstrip("/") + "/"
        return sorted(info.path.removeprefix(prefix) for info in found if info.type == pafs.FileType.File)

    def read_text(self, name: str) -> str:
        with storage_errors(self), self.filesystem.open_input_stream(self.join(name)) as stream:
            return bytes(stream.read()).decode("utf-8")

    def write_text(self, name: str, text: str) -> None:
        with storage_errors(self), self.filesystem.open_output_stream(self.join(name)) as stream:
            stream.write(text.encode("utf-8"))


def open_location(uri: str, *, endpoint: str | None = None) -> Location:
    """The location ``uri`` names: a local path, ``s3://bucket/prefix`` or another URI pyarrow knows."""
    if not is_uri(uri):
        local = local_path(uri).resolve()
        return Location(pafs.LocalFileSystem(), local.as_posix(), uri)
    if uri.startswith("s3://") and not uri.removeprefix("s3://").strip("/"):
        raise StorageError(f"{uri} names no bucket: write s3://BUCKET/PREFIX")
    if uri.startswith("s3://") and endpoint:
        scheme = "http" if endpoint.startswith("http://") else "https"
        filesystem = pafs.S3FileSystem(endpoint_override=endpoint, scheme=scheme, connect_timeout=10)
        return Location(filesystem, uri.removeprefix("s3://").strip("/"), uri)
    try:  # pyarrow reads AWS_ENDPOINT_URL, the credentials and the region the standard way
        filesystem, path = pafs.FileSystem.from_uri(uri)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _translated(Location(pafs.LocalFileSystem(), uri.split("://", 1)[1], uri), exc) from None
    return Location(filesystem, path.rstrip("/"), uri)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


@contextmanager
def storage_errors(location: Location) -> Iterator[None]:
    """Turn a filesystem failure under ``location`` into one StorageError line that names the fix."""
    try:
        yield
    except (OSError, pa.ArrowException) as exc:
        raise _translated(location, exc) from exc


def _translated(location: Location, error: BaseException) -> StorageError:
    text = str(error)
    if any(marker in text for marker in _CREDENTIALS):
        return StorageError(
            f"the storage refused the credentials for {location.uri}: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) to keys that may read and write there"
        )
    if any(marker in text for marker in _NO_BUCKET) or ("Bucket" in text and "not found" in text):
        bucket = location.bucket or location.path.split("/", 1)[0]
        return StorageError(f"bucket {bucket!r} of {location.uri} does not exist: create it or name another")
    if any(marker in text for marker in _UNREACHABLE):
        return StorageError(f"cannot reach the storage of {location.uri}: check AWS_ENDPOINT_URL or --endpoint-url")
    return StorageError(f"cannot use {location.uri}: {_first_line(error)}")


def check_bucket(location: Location) -> None:
    """Fail fast, before any work, when the bucket is missing or the credentials are refused."""
    bucket = location.bucket
    if bucket is None:
        return
    with storage_errors(location):
        found = location.filesystem.get_file_info(bucket)
    if found.type == pafs.FileType.NotFound:
        raise StorageError(f"bucket {bucket!r} of {location.uri} does not exist: create it or name another")


def staging_for(destination: Location) -> Location:
    """A fresh sibling folder to build an export in, before it is moved to ``destination``."""
    token = secrets.token_hex(6)
    path = f"{destination.path.rstrip('/')}.partial-{token}"
    return Location(destination.filesystem, path, f"{destination.uri.rstrip('/')}.partial-{token}")


def commit(staging: Location, destination: Location, *, last: str) -> None:
    """Move the finished export from ``staging`` to ``destination``; the file ``last`` (the manifest) arrives last.

    A local folder is renamed in one step. An object store has no rename: each file is copied, the manifest after
    all the others, and a failure removes what was copied (an export without its manifest is no export)."""
    with storage_errors(destination):
        if destination.is_local:
            if destination.exists():
                destination.filesystem.delete_dir(destination.path)  # empty: checked before the export began
            destination.filesystem.move(staging.path, destination.path)
            return
        names = staging.files()
        ordered = [name for name in names if name != last] + [last]
        try:
            for name in ordered:
                destination.filesystem.copy_file(staging.join(name), destination.join(name))
        except BaseException:
            discard(destination, names=ordered)
            raise
    discard(staging)


def discard(location: Location, *, names: list[str] | None = None) -> None:
    """Remove a staging folder (or the listed files under a location), quietly: it is clean-up after a failure."""
    try:
        if names is None:
            if location.exists():
                location.filesystem.delete_dir(location.path)
            return
        for name in names:
            if location.filesystem.get_file_info(location.join(name)).type == pafs.FileType.File:
                location.filesystem.delete_file(location.join(name))
    except (OSError, pa.ArrowException, StorageError) as exc:
        logger.warning("could not remove %s after a failed export: %s", location.uri, exc)
