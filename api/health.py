"""Operations endpoints: /readyz (Neo4j reachable, indexes loaded, model ready) and /metrics (Prometheus).

/healthz (in the app factory) says the process answers; /readyz says it can serve questions. Both are open (no
key): they reveal no data (in production not even why a check failed: that goes to the log). The first /readyz of
a cold server starts loading the models in the background, one load at a time however often it is called.
"""

from __future__ import annotations

import logging

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from trellis.api.state import AppState, get_state
from trellis.kg.errors import TrellisError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)


def _reason(state: AppState, problem: str, detail: str) -> str:
    """``problem: detail``, or in production only the problem: details name URIs and paths (they are logged)."""
    return problem if state.settings.api_production else f"{problem}: {detail}"


def _checks(state: AppState) -> dict[str, str]:
    if not state.loaded:
        return {"model": _reason(state, "failed", state.load_error) if state.load_error else "loading"}
    checks: dict[str, str] = {}
    retriever = state.retriever
    try:
        retriever.store.verify()
        checks["neo4j"] = "ok"
    except TrellisError as exc:
        logger.warning("readyz: Neo4j unreachable: %s", exc)
        checks["neo4j"] = _reason(state, "unreachable", str(exc))
        if state.settings.vector_backend == "neo4j":  # the vectors and the graph's generation are Neo4j's too
            return checks
    checks["index"] = f"ok: {len(retriever.chunk_index)} chunk vectors"
    checks["model"] = f"ok: {retriever.generator.name}"
    snapshot = retriever.snapshot(wait=False)  # informational: without one, the expansion reads Neo4j
    checks["graph"] = f"ok: snapshot of {len(snapshot):,} relations" if snapshot is not None else "ok: read from Neo4j"
    return checks


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when Neo4j answers and the indexes and the model are loaded; 503 with the reasons otherwise."""
    state = get_state(request)
    if not state.loaded:
        state.warm_up()
    checks = await to_thread.run_sync(lambda: _checks(state))
    ready = state.loaded and all(value.startswith("ok") for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Request counts and latencies per route and GraphQL operation, and ingest counters."""
    body, content_type = get_state(request).metrics.render()
    return Response(body, media_type=content_type)
