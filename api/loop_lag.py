"""How long the event loop is held: a task that sleeps a short interval and notes how late it wakes; and how long
Python's garbage collector stops every thread, one of the things that can hold it.

Everything async in the server (health checks, the answer limiter's queue, WebSocket frames) waits while one
callback holds the loop; a late wake-up is that wait, measured inside the server, so a slow ``/healthz`` seen by a
client can be told apart from a busy client or machine. ``/metrics`` shows it as
``trellis_event_loop_lag_seconds`` (a histogram) and ``trellis_event_loop_lag_max_seconds`` (the worst since start),
beside ``trellis_gc_pause_max_seconds`` (the longest collection since start).
"""

from __future__ import annotations

import asyncio
import gc
from time import perf_counter
from typing import Any

from prometheus_client import Gauge, Histogram

__all__ = ["GcPauses", "LoopLagMonitor"]

INTERVAL_S = 0.05


class LoopLagMonitor:
    """Observes the loop's lag every ``interval`` seconds while :meth:`run` runs."""

    def __init__(self, histogram: Histogram, worst: Gauge, *, interval: float = INTERVAL_S) -> None:
        self.histogram = histogram
        self.worst = worst
        self.interval = interval
        self.max_lag = 0.0

    async def run(self) -> None:
        """Measure until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            await asyncio.sleep(self.interval)
            self.observe(loop.time() - began - self.interval)

    def observe(self, lag: float) -> None:
        """Record one wake-up that came ``lag`` seconds late."""
        lag = max(lag, 0.0)
        self.histogram.observe(lag)
        if lag > self.max_lag:
            self.max_lag = lag
            self.worst.set(lag)


class GcPauses:
    """Notes the longest garbage collection while installed (``gc.callbacks``)."""

    def __init__(self, worst: Gauge) -> None:
        self.worst = worst
        self.max_pause = 0.0
        self._began = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = perf_counter()
            return
        pause = perf_counter() - self._began
        if pause > self.max_pause:
            self.max_pause = pause
            self.worst.set(pause)
