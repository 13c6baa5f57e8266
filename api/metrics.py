"""Prometheus metrics of one app: HTTP requests, GraphQL operations and ingest work.

Each app has its own registry (several apps in one process, as in tests, never clash); ``/metrics`` renders it.
Labels are bounded: HTTP routes are the app's route templates, GraphQL operations are named by their first root
field (a schema field, never client text).
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["Metrics"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


class Metrics:
    """The counters and histograms of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "trellis_http_requests", "HTTP requests served.", ["method", "route", "status"], registry=self.registry
        )
        self.request_seconds = Histogram(
            "trellis_http_request_seconds",
            "Time to serve an HTTP request.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.operations = Counter(
            "trellis_graphql_operations",
            "GraphQL operations by type, first root field and outcome (ok, error).",
            ["type", "field", "outcome"],
            registry=self.registry,
        )
        self.operation_seconds = Histogram(
            "trellis_graphql_operation_seconds",
            "Time to execute a GraphQL operation.",
            ["type", "field"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.ingest_jobs = Counter(
            "trellis_ingest_jobs", "Ingest jobs by outcome (succeeded, failed).", ["outcome"], registry=self.registry
        )
        self.ingest_documents = Counter(
            "trellis_ingest_documents",
            "Documents seen by ingest jobs, by result (written, skipped, failed, deleted).",
            ["result"],
            registry=self.registry,
        )
        self.ingest_chunks = Counter("trellis_ingest_chunks", "Chunks written by ingest jobs.", registry=self.registry)
        self.loop_lag_seconds = Histogram(
            "trellis_event_loop_lag_seconds",
            "How late the event loop woke a task (the time callbacks held it).",
            buckets=_LAG_BUCKETS,
            registry=self.registry,
        )
        self.loop_lag_max_seconds = Gauge(
            "trellis_event_loop_lag_max_seconds", "The event loop's worst lag since start.", registry=self.registry
        )
        self.gc_pause_max_seconds = Gauge(
            "trellis_gc_pause_max_seconds", "The longest garbage collection since start.", registry=self.registry
        )

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
