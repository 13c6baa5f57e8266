"""The event loop's lag: a callback that holds the loop shows as a late wake-up, in the app's /metrics too."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path

import httpx

from tests.support import free_port
from tests.support_api import API_KEYS, READ_KEY, serving
from trellis.api.app import create_app
from trellis.api.loop_lag import GcPauses, LoopLagMonitor
from trellis.api.metrics import Metrics
from trellis.kg.settings import Settings

HELD_S = 0.3


def test_a_callback_that_holds_the_loop_is_seen_as_lag() -> None:
    metrics = Metrics()
    monitor = LoopLagMonitor(metrics.loop_lag_seconds, metrics.loop_lag_max_seconds, interval=0.01)

    async def scenario() -> None:
        watching = asyncio.create_task(monitor.run())
        await asyncio.sleep(0.05)
        time.sleep(HELD_S)  # a blocking call on the loop, as a sync handler would make
        await asyncio.sleep(0.05)
        watching.cancel()

    asyncio.run(scenario())
    assert monitor.max_lag >= HELD_S * 0.8
    assert metrics.loop_lag_max_seconds._value.get() == monitor.max_lag
    text = metrics.render()[0].decode()
    assert 'trellis_event_loop_lag_seconds_bucket{le="0.25"}' in text


def test_the_served_app_reports_its_loop_lag(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, api_keys=API_KEYS, neo4j_uri=f"bolt://127.0.0.1:{free_port()}")
    with serving(create_app(settings)) as url:
        time.sleep(0.3)  # the monitor wakes a few times meanwhile
        body = httpx.get(f"{url}/metrics", headers={"X-API-Key": READ_KEY}, timeout=30).text
    assert "trellis_event_loop_lag_max_seconds" in body and "trellis_gc_pause_max_seconds" in body
    count = next(line for line in body.splitlines() if line.startswith("trellis_event_loop_lag_seconds_count"))
    assert float(count.split()[-1]) >= 1


def test_a_garbage_collection_is_timed_while_installed() -> None:
    metrics = Metrics()
    with GcPauses(metrics.gc_pause_max_seconds) as pauses:
        garbage = [[i] for i in range(200_000)]
        del garbage
        gc.collect()
    assert pauses.max_pause > 0 and metrics.gc_pause_max_seconds._value.get() == pauses.max_pause
    assert pauses._callback not in gc.callbacks
