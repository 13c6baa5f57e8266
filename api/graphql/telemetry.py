"""Per-operation metrics and a log line for every GraphQL operation (type, first root field, outcome, time)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from time import perf_counter

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

__all__ = ["OperationMetrics"]

logger = logging.getLogger(__name__)


class OperationMetrics(SchemaExtension):
    """Counts and times operations into the app's :class:`~api.metrics.Metrics`."""

    def on_operation(self) -> Iterator[None]:
        began = perf_counter()
        yield
        context = self.execution_context
        metrics = getattr(getattr(context.context, "state", None), "metrics", None)
        kind, field = "unknown", "unknown"
        document = context.graphql_document
        if document is not None:
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    kind = definition.operation.value
                    first = definition.selection_set.selections[0] if definition.selection_set.selections else None
                    field = first.name.value if isinstance(first, FieldNode) else "fragment"
                    break
        result = context.result
        outcome = "error" if (result is None or getattr(result, "errors", None)) else "ok"
        seconds = perf_counter() - began
        if metrics is not None:
            if kind != "unknown" and not field.startswith("__") and field in _KNOWN_FIELDS.get(kind, frozenset()):
                label = field
            else:
                label = "other"
            metrics.operations.labels(type=kind, field=label, outcome=outcome).inc()
            metrics.operation_seconds.labels(type=kind, field=label).observe(seconds)
        logger.info(
            "graphql %s %s %s %.1f ms",
            kind,
            field[:40],
            outcome,
            seconds * 1000,
            extra={"operation": kind, "field": field[:40], "outcome": outcome, "ms": round(seconds * 1000, 1)},
        )


_KNOWN_FIELDS = {
    "query": frozenset(
        {"ask", "search", "entity", "entities", "neighbors", "path", "documents", "document", "stats", "job", "answers"}
    ),
    "mutation": frozenset({"ingestDocuments", "deleteDocument", "rateAnswer"}),
    "subscription": frozenset({"askStream", "ingestProgress"}),
}
