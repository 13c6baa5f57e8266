"""The evaluation history: one row per ``trellis eval retrieval`` run, appended to a Parquet file.

A row says when the run was, on which source (git commit, and whether the tree had uncommitted changes), which
question set (its name and a SHA-256 of its content, so an edited set is told apart from the one it replaced),
with which models (embedder, generator, LoRA adapter) and settings, and every summary of the run as
``(type, system, metric, value)``: the question type (or named set) and the system each number belongs to.
``trellis eval history`` prints and draws it (:mod:`retrieval.evaluation.trends`); the API's ``/metrics`` exposes the
latest run of each set.

Columns (the Parquet schema, :func:`history_schema`)::

    created_at   timestamp[us, UTC]   when the run finished
    commit       string (nullable)    HEAD of the source checkout; null outside a git checkout
    dirty        bool (nullable)      the checkout had uncommitted changes to tracked files
    question_set string               prose, multihop, singlehop, all, or a question file's name
    set_sha256   string               SHA-256 of the question file(s), in the order they were read
    questions    int64                questions asked (each of every system)
    embedder     string               the embedding model (the packaged all-MiniLM-L6-v2 unless set)
    generator    string (nullable)    the generator's name (its model and adapter); null: answers were not scored
    adapter      string (nullable)    the local model's LoRA adapter (settings' or promoted run's); null: none
    settings     string               JSON object of what shapes the results: retrieval depth, split, limit, corpus
                                      and the settings in RESULT_SETTINGS
    metrics      list<struct<type: string, system: string, metric: string, value: double>>

The file is rewritten whole on each append (a temporary file, then an atomic replace, under a lock), so a reader never
sees half a row; a history is a few hundred rows at most. pyarrow (the ``eval`` extra) is imported only when the file
is read or written, so the API imports this module without it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, field_serializer, field_validator

from trellis.kg.files import exclusive_lock, private_folder
from trellis.kg.settings import Settings
from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation.runner import EvaluationReport, SystemSummary

if TYPE_CHECKING:
    from types import ModuleType

    import pyarrow as pa

__all__ = [
    "PACKAGED_EMBEDDER",
    "RESULT_SETTINGS",
    "EvalRun",
    "MetricValue",
    "append_run",
    "embedder_name",
    "history_path",
    "history_schema",
    "latest_runs",
    "read_history",
    "record_run",
    "set_digest",
    "source_commit",
    "summary_metrics",
]

logger = logging.getLogger(__name__)

SOURCE_ROOT = Path(__file__).resolve().parents[2]
"""The source checkout whose commit a run records."""
PACKAGED_EMBEDDER = "all-MiniLM-L6-v2"
"""The embedder's name when ``settings.embedding_model`` is unset (the model the package ships)."""
RESULT_SETTINGS = frozenset(
    {
        "chunk_max_tokens",
        "chunk_overlap_tokens",
        "embedding_model",
        "faiss_index_kind",
        "generator",
        "graph_snapshot",
        "llm_abstain_threshold",
        "llm_constrain_citations",
        "llm_extraction",
        "llm_extraction_model",
        "llm_max_new_tokens",
        "llm_model",
        "llm_temperature",
        "resolution_similarity",
        "spacy_model",
        "vector_backend",
    }
)
"""The settings that change what an evaluation measures (how the corpus is chunked, extracted and resolved, how it
is searched, and how answers are generated); the history keeps their values with each run."""
Scalar = str | int | float | bool | None


class MetricValue(BaseModel):
    """One number of a run: ``metric`` of ``system`` on the questions of ``type``."""

    type: str
    system: str
    metric: str
    value: float


class EvalRun(BaseModel):
    """One evaluation run, as one row of the history."""

    created_at: datetime
    commit: str | None = None
    dirty: bool | None = None
    question_set: str
    set_sha256: str
    questions: int = Field(ge=0)
    embedder: str
    generator: str | None = None
    adapter: str | None = None
    settings: dict[str, Scalar] = Field(default_factory=dict)
    metrics: list[MetricValue] = Field(default_factory=list)

    @field_validator("settings", mode="before")
    @classmethod
    def _settings_from_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @field_serializer("settings")
    def _settings_as_json(self, value: dict[str, Scalar]) -> str:
        return json.dumps(value, sort_keys=True)

    def value(self, type_: str, system: str, metric: str) -> float | None:
        """The number recorded for ``metric`` of ``system`` on ``type_``; None when the run has none."""
        for found in self.metrics:
            if (found.type, found.system, found.metric) == (type_, system, metric):
                return found.value
        return None


def _arrow() -> tuple[ModuleType, ModuleType]:
    """pyarrow and pyarrow.parquet; a missing pyarrow is an :class:`EvaluationDataError` saying how to add it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:
        raise EvaluationDataError(
            f"the evaluation history needs pyarrow ({error}): pip install 'trellis[eval]'"
        ) from error
    return pyarrow, pyarrow.parquet


def history_path(settings: Settings) -> Path:
    """Where the history lives: ``<data_dir>/eval/history.parquet``."""
    return settings.data_dir / "eval" / "history.parquet"


def history_schema() -> pa.Schema:
    """The Parquet schema of the history (the module docstring describes each column)."""
    import pyarrow as pa

    metric = pa.struct(
        [("type", pa.string()), ("system", pa.string()), ("metric", pa.string()), ("value", pa.float64())]
    )
    return pa.schema(
        [
            ("created_at", pa.timestamp("us", tz="UTC")),
            ("commit", pa.string()),
            ("dirty", pa.bool_()),
            ("question_set", pa.string()),
            ("set_sha256", pa.string()),
            ("questions", pa.int64()),
            ("embedder", pa.string()),
            ("generator", pa.string()),
            ("adapter", pa.string()),
            ("settings", pa.string()),
            ("metrics", pa.list_(metric)),
        ]
    )


def summary_metrics(summaries: Iterable[SystemSummary]) -> list[MetricValue]:
    """Every number of the summaries: question count, recall@k, all@k, hit@5, MRR, EM, F1, correct, abstained and
    latency percentiles, named as the report's columns are (``recall@5``, ``em``, ``p50_ms``); absent ones left out."""
    values: list[MetricValue] = []
    for summary in summaries:
        numbers: dict[str, float | None] = {"questions": float(summary.questions)}
        numbers |= {f"recall@{k}": value for k, value in summary.recall.items()}
        numbers |= {f"all@{k}": value for k, value in summary.all_at.items()}
        numbers |= {
            "hit@5": summary.hit,
            "mrr": summary.mrr,
            "em": summary.exact_match,
            "f1": summary.f1,
            "correct": summary.correct,
            "abstained": summary.abstained,
            "p50_ms": summary.latency_p50_ms,
            "p95_ms": summary.latency_p95_ms,
            "answer_p50_ms": summary.answer_p50_ms,
        }
        values.extend(
            MetricValue(type=summary.set, system=summary.system, metric=name, value=value)
            for name, value in numbers.items()
            if value is not None
        )
    return values


def set_digest(paths: Sequence[Path]) -> str:
    """SHA-256 of the files' bytes, one after the other: the same set gives the same digest wherever it lives."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def source_commit(folder: Path = SOURCE_ROOT) -> tuple[str | None, bool | None]:
    """HEAD of the git checkout at ``folder`` and whether tracked files differ from it; (None, None) when it is not
    a checkout or git is missing."""
    try:
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        )
        status = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None, None
    return head.stdout.strip(), bool(status.stdout.strip())


def embedder_name(settings: Settings) -> str:
    """The embedding model's name: the last part of ``settings.embedding_model``, or the packaged model's."""
    return Path(settings.embedding_model).name if settings.embedding_model else PACKAGED_EMBEDDER


def record_run(
    report: EvaluationReport,
    *,
    question_set: str,
    set_sha256: str,
    questions: int,
    settings: Settings,
    adapter: str | None,
    run: Mapping[str, Scalar],
    source: tuple[str | None, bool | None] | None = None,
) -> EvalRun:
    """The history row of ``report``: ``run`` holds the run's own choices (split, limit, corpus), and ``source``
    the commit and dirtiness (read from the checkout when not given)."""
    commit, dirty = source if source is not None else source_commit()
    chosen: dict[str, Scalar] = settings.model_dump(include=set(RESULT_SETTINGS), mode="json")
    return EvalRun(
        created_at=report.created_at,
        commit=commit,
        dirty=dirty,
        question_set=question_set,
        set_sha256=set_sha256,
        questions=questions,
        embedder=embedder_name(settings),
        generator=report.generator,
        adapter=adapter,
        settings={**chosen, "depth": report.depth, **run},
        metrics=summary_metrics(report.summaries),
    )


def _rows(runs: Sequence[EvalRun]) -> list[dict[str, Any]]:
    return [run.model_dump(mode="python") for run in runs]


def read_history(path: Path) -> list[EvalRun]:
    """Every run of the history at ``path``, oldest first; empty when there is none yet. A file that is not a
    history is an :class:`EvaluationDataError`."""
    if not path.is_file():
        return []
    pa, pq = _arrow()
    try:
        rows = pq.read_table(path).to_pylist()
        runs = [EvalRun.model_validate(row) for row in rows]
    except (pa.ArrowException, OSError, ValidationError, ValueError) as error:
        raise EvaluationDataError(f"the evaluation history at {path} cannot be read: {error}") from error
    return sorted(runs, key=lambda run: run.created_at)


def append_run(path: Path, run: EvalRun) -> Path:
    """Add ``run`` to the history at ``path`` (created with its folder when missing); returns the path."""
    pa, pq = _arrow()
    private_folder(path.parent)
    with exclusive_lock(path.with_name(path.name + ".lock")):
        runs = [*read_history(path), run]
        table = pa.Table.from_pylist(_rows(runs), schema=history_schema())
        scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        pq.write_table(table, scratch)
        os.replace(scratch, path)
    logger.info("evaluation run of %s appended to %s (%d runs)", run.question_set, path, len(runs))
    return path


def latest_runs(runs: Iterable[EvalRun]) -> list[EvalRun]:
    """The newest run of each question set, in the order the sets were first run."""
    newest: dict[str, EvalRun] = {}
    for run in runs:
        if run.question_set not in newest or run.created_at >= newest[run.question_set].created_at:
            newest[run.question_set] = run
    return list(newest.values())
