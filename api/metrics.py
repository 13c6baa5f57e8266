"""Prometheus metrics of one app: HTTP requests, GraphQL operations and ingest work.

Each app has its own registry (several apps in one process, as in tests, never clash); ``/metrics`` renders it.
Labels are bounded: HTTP routes are the app's route templates, GraphQL operations are named by their first root
field (a schema field, never client text).

The latest evaluation run of each question set (the history ``trellis eval retrieval`` appends to) is read from its
Parquet file at scrape time by :class:`EvalHistoryCollector`, so a run finished while the API serves shows at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.history import latest_runs, read_history

__all__ = ["EvalHistoryCollector", "Metrics"]

logger = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


class Metrics:
    """The counters and histograms of one app."""

    def __init__(self, *, eval_history: Path | None = None) -> None:
        """The app's metrics; with ``eval_history``, also the latest evaluation runs of that history file."""
        self.registry = CollectorRegistry()
        if eval_history is not None:
            self.registry.register(EvalHistoryCollector(eval_history))
        self.requests, self.request_seconds = _http_metrics(self.registry)
        self.operations, self.operation_seconds = _graphql_metrics(self.registry)
        self.ingest_jobs, self.ingest_documents, self.ingest_chunks = _ingest_metrics(self.registry)
        self.loop_lag_seconds, self.loop_lag_max_seconds = _loop_lag_metrics(self.registry)
        self.answer_ratings = Counter(
            "trellis_answer_ratings",
            "Ratings of logged answers by the rated answer's model and the rating (up, down).",
            ["model", "rating"],
            registry=self.registry,
        )
        self.gc_pause_max_seconds = Gauge(
            "trellis_gc_pause_max_seconds", "The longest garbage collection since start.", registry=self.registry
        )

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def _http_metrics(registry: CollectorRegistry) -> tuple[Counter, Histogram]:
    """The HTTP request counter and latency histogram, registered in ``registry``."""
    requests = Counter(
        "trellis_http_requests", "HTTP requests served.", ["method", "route", "status"], registry=registry
    )
    seconds = Histogram(
        "trellis_http_request_seconds",
        "Time to serve an HTTP request.",
        ["method", "route"],
        buckets=_LATENCY_BUCKETS,
        registry=registry,
    )
    return requests, seconds


def _graphql_metrics(registry: CollectorRegistry) -> tuple[Counter, Histogram]:
    """The GraphQL operation counter and latency histogram, registered in ``registry``."""
    operations = Counter(
        "trellis_graphql_operations",
        "GraphQL operations by type, first root field and outcome (ok, error).",
        ["type", "field", "outcome"],
        registry=registry,
    )
    seconds = Histogram(
        "trellis_graphql_operation_seconds",
        "Time to execute a GraphQL operation.",
        ["type", "field"],
        buckets=_LATENCY_BUCKETS,
        registry=registry,
    )
    return operations, seconds


def _ingest_metrics(registry: CollectorRegistry) -> tuple[Counter, Counter, Counter]:
    """The ingest job, document and chunk counters, registered in ``registry``."""
    jobs = Counter("trellis_ingest_jobs", "Ingest jobs by outcome (succeeded, failed).", ["outcome"], registry=registry)
    documents = Counter(
        "trellis_ingest_documents",
        "Documents seen by ingest jobs, by result (written, skipped, failed, deleted).",
        ["result"],
        registry=registry,
    )
    chunks = Counter("trellis_ingest_chunks", "Chunks written by ingest jobs.", registry=registry)
    return jobs, documents, chunks


def _loop_lag_metrics(registry: CollectorRegistry) -> tuple[Histogram, Gauge]:
    """The event loop's lag histogram and worst-lag gauge, registered in ``registry``."""
    lag = Histogram(
        "trellis_event_loop_lag_seconds",
        "How late the event loop woke a task (the time callbacks held it).",
        buckets=_LAG_BUCKETS,
        registry=registry,
    )
    worst = Gauge("trellis_event_loop_lag_max_seconds", "The event loop's worst lag since start.", registry=registry)
    return lag, worst


class EvalHistoryCollector:
    """Gauges of the newest evaluation run of each question set, read from the history file at each scrape.

    ``trellis_eval_metric{set,system,type,metric}`` is every number of the run (shares 0..1, latencies in ms, question
    counts); ``trellis_eval_run_timestamp_seconds{set}`` says when it ran and ``trellis_eval_run_info`` with what
    (commit, generator, embedder, adapter). No history, or one that cannot be read (logged), exposes nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def collect(self) -> Iterator[Metric]:
        """The gauges of the latest runs (prometheus_client calls this at each scrape)."""
        try:
            runs = latest_runs(read_history(self.path))
        except EvaluationDataError as exc:
            logger.warning("metrics: %s", exc)
            return
        if not runs:
            return
        values = GaugeMetricFamily(
            "trellis_eval_metric",
            "The latest evaluation run of each question set: a metric of a system on a question type.",
            labels=["set", "system", "type", "metric"],
        )
        when = GaugeMetricFamily(
            "trellis_eval_run_timestamp_seconds", "When the latest run of each question set finished.", labels=["set"]
        )
        about = GaugeMetricFamily(
            "trellis_eval_run_info",
            "What the latest run of each question set ran on (always 1).",
            labels=["set", "commit", "generator", "embedder", "adapter"],
        )
        for run in runs:
            for metric in run.metrics:
                values.add_metric([run.question_set, metric.system, metric.type, metric.metric], metric.value)
            when.add_metric([run.question_set], run.created_at.timestamp())
            labels = [run.question_set, run.commit or "", run.generator or "", run.embedder, run.adapter or ""]
            about.add_metric(labels, 1.0)
        yield from (values, when, about)
