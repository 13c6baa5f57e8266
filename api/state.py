"""What one running API holds: the settings and, built on first use, the retriever with its store and indexes."""

from __future__ import annotations

import logging
import threading

from fastapi import Request

from trellis.api.answer_limiter import AnswerLimiter
from trellis.api.jobs import IngestJobs
from trellis.api.metrics import Metrics
from trellis.api.services.answers import AnswerLog
from trellis.api.sockets import SocketLimit
from trellis.kg.graph import GraphStore
from trellis.kg.ingest.consistency import repair_pending
from trellis.kg.settings import Settings
from trellis.retrieval import Retriever
from trellis.retrieval.evaluation.history import history_path

__all__ = ["AppState", "get_state"]

logger = logging.getLogger(__name__)


class AppState:
    """The app's long-lived parts. The retriever (models, store, FAISS indexes) loads lazily and once; with the neo4j
    vector backend there are no indexes to load, and every replica searches the same graph (docs/scaling.md)."""

    def __init__(self, settings: Settings, *, retriever: Retriever | None = None) -> None:
        self.settings = settings
        self._retriever = retriever
        self._owns_retriever = retriever is None
        self._lock = threading.Lock()
        self.metrics = Metrics(eval_history=history_path(settings))
        self.answers = AnswerLimiter(
            slots=settings.api_answer_slots, queue=settings.api_answer_queue, wait_s=settings.api_answer_wait_s
        )
        self.sockets = SocketLimit(total=settings.api_max_sockets, per_key=settings.api_max_sockets_per_key)
        self.jobs = IngestJobs(self)
        self.load_error: str | None = None  # why the last background load failed (for /readyz)
        self._warming = threading.Lock()  # held while a background load runs: one at a time
        self._answer_log: AnswerLog | None = None

    @property
    def retriever(self) -> Retriever:
        """The retriever, built from the settings on first use (thread-safe)."""
        if self._retriever is None:
            with self._lock:
                if self._retriever is None:
                    logger.info("loading the retriever (models; dense search: %s)", self.settings.vector_backend)
                    self._retriever = Retriever.from_settings(self.settings)
        return self._retriever

    @property
    def loaded(self) -> bool:
        """True once the retriever (models and indexes) is in memory."""
        return self._retriever is not None

    @property
    def store(self) -> GraphStore:
        """The Neo4j store (the retriever's)."""
        return self.retriever.store

    @property
    def answer_log(self) -> AnswerLog:
        """The answer log over the retriever's store, opened on first use (api/services/answers.py)."""
        if self._answer_log is None:
            store = self.store
            with self._lock:
                if self._answer_log is None:
                    self._answer_log = AnswerLog(store, self.settings)
        return self._answer_log

    def warm_up(self) -> bool:
        """Load the retriever in a background thread (``trellis serve`` starts it; /readyz reports it). At most
        one load runs at a time: False when one is running already."""
        if not self._warming.acquire(blocking=False):
            return False

        def load() -> None:
            try:
                retriever = self.retriever
                repair_pending(self.settings, retriever.store)  # a batch an ingest killed mid-write left behind
                self.load_error = None
            except Exception as exc:  # reported by /readyz; the next request tries again
                logger.warning("loading the retriever failed: %s", exc)
                self.load_error = str(exc)
                return
            finally:
                self._warming.release()
            try:
                retriever.snapshot()  # the graph snapshot now, not on the first question
            except Exception as exc:  # Neo4j down: /readyz says so, and the first question tries again
                logger.warning("reading the graph snapshot failed: %s", exc)

        threading.Thread(target=load, name="trellis-warm-up", daemon=True).start()
        return True

    def close(self) -> None:
        """Release what this state built (a retriever passed in belongs to its owner)."""
        self.jobs.close()
        if self._answer_log is not None:
            self._answer_log.close()  # what is queued is written before the store closes
        if self._owns_retriever and self._retriever is not None:
            self._retriever.close()
            self._retriever = None


def get_state(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request`` (FastAPI dependency)."""
    state: AppState = request.app.state.trellis
    return state
