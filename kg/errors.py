"""The one exception hierarchy of Trellis.

Every error a user can cause or fix derives from :class:`TrellisError`, and its message says what went wrong and
how to fix it, in one line. Interfaces (the CLI, the API) print that line instead of a traceback.

    TrellisError
    ├── ConfigurationError           a setting is missing or wrong
    ├── ServerError                  the local Neo4j server could not be provided
    │   ├── JavaNotFoundError        no usable Java runtime
    │   ├── MavenError               Maven is missing or could not fetch the distribution
    │   ├── PortInUseError           a port the server needs is taken
    │   ├── ServerStartError         the server process failed to come up
    │   └── ServerNotRunningError    a command needs the local server, and it is not running
    ├── GraphError                   talking to Neo4j failed
    │   ├── Neo4jUnavailableError    the server cannot be reached
    │   ├── Neo4jAuthError           the server refused the credentials
    │   ├── QueryNotFoundError       no named query of that name in cypher/queries
    │   └── QueryError               a query failed on the server
    ├── IngestError                  a document could not be ingested
    │   ├── LoaderError              a file could not be read as a document (names the file and the reason)
    │   └── ExtractionError          entity or relation extraction failed
    ├── ModelError                   a model (spaCy pipeline, embedder, LLM) could not be loaded or run
    ├── ExchangeError                a Parquet export or import failed
    │   ├── StorageError             the folder or bucket cannot be reached, read or written
    │   ├── ExportFormatError        the source is no Trellis export, or a table has another schema
    │   └── DatabaseNotEmptyError    an import was pointed at a database that already holds a graph
    └── VectorIndexError             the FAISS index is missing, corrupt or disagrees with Neo4j
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "DatabaseNotEmptyError",
    "ExchangeError",
    "ExportFormatError",
    "ExtractionError",
    "GraphError",
    "IngestError",
    "JavaNotFoundError",
    "LoaderError",
    "MavenError",
    "ModelError",
    "Neo4jAuthError",
    "Neo4jUnavailableError",
    "PortInUseError",
    "QueryError",
    "QueryNotFoundError",
    "ServerError",
    "ServerNotRunningError",
    "ServerStartError",
    "StorageError",
    "TrellisError",
    "VectorIndexError",
]


class TrellisError(Exception):
    """Root of every error Trellis raises on purpose; its message names the fix."""


class ConfigurationError(TrellisError):
    """A setting is missing or has a value Trellis cannot use."""


class ServerError(TrellisError):
    """The local Neo4j server could not be provided."""


class JavaNotFoundError(ServerError):
    """No Java runtime of a version Neo4j supports was found."""


class MavenError(ServerError):
    """Maven is missing, or could not fetch the Neo4j distribution from Maven Central."""


class PortInUseError(ServerError):
    """A port the local server needs is already taken by another process."""


class ServerStartError(ServerError):
    """The server process exited or did not answer on Bolt in time."""


class ServerNotRunningError(ServerError):
    """The command needs the local server, and it is not running."""


class GraphError(TrellisError):
    """Talking to Neo4j failed."""


class Neo4jUnavailableError(GraphError):
    """The Neo4j server cannot be reached at the configured address."""


class Neo4jAuthError(GraphError):
    """The Neo4j server refused the configured user name and password."""


class QueryNotFoundError(GraphError):
    """No named query of that name exists in cypher/queries."""


class QueryError(GraphError):
    """A query failed on the server for a reason other than connectivity."""


class IngestError(TrellisError):
    """A document could not be ingested."""


class LoaderError(IngestError):
    """A file could not be read as a document; the message names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ExtractionError(IngestError):
    """Entity or relation extraction failed."""


class ModelError(TrellisError):
    """A model (spaCy pipeline, embedder, LLM) could not be loaded or run."""


class ExchangeError(TrellisError):
    """A Parquet export or import failed."""


class StorageError(ExchangeError):
    """The export's folder or bucket cannot be reached, read or written (missing bucket, refused credentials)."""


class ExportFormatError(ExchangeError):
    """The source holds no Trellis export, or one of its Parquet files has another schema."""


class DatabaseNotEmptyError(ExchangeError):
    """An import was pointed at a database that already holds documents, chunks or entities."""


class VectorIndexError(TrellisError):
    """The FAISS index is missing, corrupt, or disagrees with Neo4j."""
