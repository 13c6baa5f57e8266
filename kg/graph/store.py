"""The Neo4j store: one driver, named queries, retries on transient failures, batched ``UNWIND`` writes.

Every query the store runs comes from :mod:`kg.graph.queries` by name, with parameters, and runs in a transaction the
server stops after ``neo4j_read_timeout_s`` (reads) or ``neo4j_write_timeout_s`` (writes). Driver errors are
translated into the Trellis hierarchy, so callers see "cannot reach Neo4j at ...: start it with ..." rather than a
stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from types import TracebackType
from typing import Any, Self, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

from trellis.kg.errors import GraphError, Neo4jAuthError, Neo4jUnavailableError, QueryError
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.queries import load_query
from trellis.kg.settings import Settings

__all__ = ["GraphStore", "Record", "retryable"]

logger = logging.getLogger(__name__)

Record = dict[str, Any]
T = TypeVar("T")
_TRANSIENT = (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, neo4j_errors.TransientError)


def retryable(error: BaseException) -> bool:
    """Whether running the work again is safe and may succeed: a transient failure, but never a commit whose outcome
    is unknown (``IncompleteCommit``: the server may have committed it, and a ``CREATE`` must not run twice)."""
    return isinstance(error, _TRANSIENT) and not isinstance(error, neo4j_errors.IncompleteCommit)


def _batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class GraphStore:
    """Access to the Neo4j database named by settings. Use as a context manager, or call :meth:`close`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.uri = settings.bolt_uri
        self.database = settings.neo4j_database
        self._driver = GraphDatabase.driver(
            self.uri,
            auth=(settings.neo4j_user, resolve_password(settings)),
            connection_timeout=settings.neo4j_connect_timeout_s,
            max_transaction_retry_time=settings.neo4j_max_retry_s,
            user_agent="trellis/0.1",
            notifications_min_severity="OFF",
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    @property
    def driver(self) -> neo4j.Driver:
        """The driver itself, for libraries that take one (neo4j-graphrag's retrievers, say); Trellis's own reads
        and writes go through :meth:`query` and the named queries."""
        return self._driver

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise Neo4jAuthError(
                f"Neo4j at {self.uri} refused user {self.settings.neo4j_user!r} with the configured password: "
                "set NEO4J_PASSWORD (or TRELLIS_NEO4J_PASSWORD) to the server's password"
            ) from exc
        except _TRANSIENT as exc:
            fix = "start it with `trellis neo4j start`" if self.settings.uses_local_server else "check NEO4J_URI"
            raise Neo4jUnavailableError(f"cannot reach Neo4j at {self.uri}: {fix}") from exc
        except neo4j_errors.Neo4jError as exc:
            raise QueryError(f"Neo4j rejected a query ({exc.code}): {exc.message}") from exc
        except neo4j_errors.DriverError as exc:
            raise GraphError(f"the Neo4j driver failed talking to {self.uri}: {exc}") from exc

    def _with_retries(self, work: Callable[[], T]) -> T:
        retrying = retry(
            retry=retry_if_exception(retryable),
            stop=stop_after_delay(self.settings.neo4j_max_retry_s),
            wait=wait_exponential(multiplier=0.2, max=5),
            reraise=True,
        )
        with self._translated():
            return retrying(work)()

    def _timeout(self, write: bool) -> float | None:
        """The server-side transaction timeout from the settings (None: the server's own default)."""
        seconds = self.settings.neo4j_write_timeout_s if write else self.settings.neo4j_read_timeout_s
        return seconds or None

    def verify(self) -> None:
        """Check that the server answers and accepts the credentials (fails fast: no retries)."""
        with self._translated():
            self._driver.verify_connectivity()
            self._driver.verify_authentication()

    def run_text(
        self, cypher: str, parameters: Mapping[str, Any] | None = None, *, write: bool = False
    ) -> list[Record]:
        """Run Cypher text that came from ``cypher/`` (never from user input) and return its records."""
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        query = neo4j.Query(cypher, timeout=self._timeout(write))  # text from cypher/ only, never from user input

        def work() -> list[Record]:
            result = self._driver.execute_query(
                query,
                parameters_=dict(parameters or {}),
                database_=self.database,
                routing_=routing,
            )
            return [_as_dict(record) for record in result.records]

        return self._with_retries(work)

    def query(self, name: str, **parameters: Any) -> list[Record]:
        """Run the named read query and return its records as dicts."""
        return self.run_text(load_query(name), parameters)

    def execute(self, name: str, **parameters: Any) -> list[Record]:
        """Run the named write query in one transaction and return its records."""
        return self.run_text(load_query(name), parameters, write=True)

    def write_batches(
        self,
        name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        **parameters: Any,
    ) -> int:
        """Run the named ``UNWIND $rows`` query over ``rows`` in batches, one transaction each; returns rows written."""
        cypher = load_query(name)
        written = 0
        for batch in _batches(rows, batch_size or self.settings.write_batch_size):
            self.run_text(cypher, {**parameters, "rows": batch}, write=True)
            written += len(batch)
        return written

    def write_transaction(self, steps: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Run several named write queries in one transaction: all of them land, or none does."""
        statements = [(load_query(name), dict(parameters)) for name, parameters in steps]

        @neo4j.unit_of_work(timeout=self._timeout(write=True))
        def unit(tx: neo4j.ManagedTransaction) -> None:
            for cypher, parameters in statements:
                tx.run(cypher, parameters).consume()  # text from cypher/ only

        def work() -> None:
            with self._driver.session(database=self.database) as session:
                session.execute_write(unit)

        self._with_retries(work)


def _holds_graph_values(value: Any) -> bool:
    """Whether a returned value holds nodes, relationships or paths (which ``Record.data`` turns into dicts).

    A list is judged by its first item: Cypher lists built by a query hold one kind of value (ids, numbers, maps of
    the same keys), and walking every item of a long list (an embedding) is what this check avoids."""
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship | neo4j.graph.Path):
        return True
    if isinstance(value, list):
        return bool(value) and _holds_graph_values(value[0])
    if isinstance(value, dict):
        return any(map(_holds_graph_values, value.values()))
    return False


def _as_dict(record: neo4j.Record) -> Record:
    """The record as a dict. ``Record.data`` walks every value (millions of floats for embeddings); only records
    holding graph values need it."""
    values = record.values()
    if any(map(_holds_graph_values, values)):
        return record.data()
    return dict(zip(record.keys(), values, strict=True))
