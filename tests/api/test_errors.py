"""What callers are told about errors: their own mistakes in full; in production, server-side failures without the
URIs and paths their messages carry; the headers that go with 401 and 503."""

from __future__ import annotations

import pytest

from trellis.api.errors import AuthenticationError, InvalidArgumentError, ServerBusyError, error_headers, public_message
from trellis.kg.errors import ModelError, Neo4jUnavailableError, TrellisError, VectorIndexError
from trellis.retrieval.errors import QuestionTooLongError

INTERNAL = "cannot reach Neo4j at bolt://db-internal:7687 (/srv/trellis/data/neo4j)"


@pytest.mark.parametrize(
    "error",
    [Neo4jUnavailableError(INTERNAL), VectorIndexError(INTERNAL), ModelError(INTERNAL), TrellisError(INTERNAL)],
)
def test_production_hides_what_a_server_side_failure_names(error: TrellisError) -> None:
    shown = public_message(error, production=True)
    assert "bolt://" not in shown and "/srv" not in shown and "try again later" in shown
    assert public_message(error, production=False) == INTERNAL


@pytest.mark.parametrize(
    "error", [InvalidArgumentError("'k' must be between 1 and 100"), QuestionTooLongError("the question is too long")]
)
def test_the_callers_own_mistakes_are_shown_in_production(error: TrellisError) -> None:
    assert public_message(error, production=True) == str(error)


def test_headers_for_401_and_503() -> None:
    assert error_headers(AuthenticationError("no key")) == {"WWW-Authenticate": "Bearer"}
    assert error_headers(ServerBusyError("busy", retry_after=7)) == {"Retry-After": "7"}
    assert error_headers(InvalidArgumentError("bad")) is None
