"""/metrics over real HTTP exposes the latest evaluation run of each question set, read from the history at each
scrape: a run appended while the API serves shows at the next scrape, and a broken history hides nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support import free_port
from tests.support_api import API_KEYS, READ_KEY, serving
from tests.support_eval import sample_report
from trellis.api.app import create_app
from trellis.kg.settings import Settings
from trellis.retrieval.evaluation.history import append_run, history_path, record_run


def _samples(url: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    body = httpx.get(f"{url}/metrics", headers={"X-API-Key": READ_KEY}, timeout=30)
    assert body.status_code == 200
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.text)
        for sample in family.samples
        if sample.name == name
    }


def _append(settings: Settings, question_set: str, when: datetime, *, commit: str) -> None:
    run = record_run(
        sample_report(when=when),
        question_set=question_set,
        set_sha256="0" * 64,
        questions=5,
        settings=settings,
        adapter=None,
        run={},
        source=(commit, False),
    )
    append_run(history_path(settings), run)


def test_metrics_expose_the_latest_run_of_each_set(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, api_keys=API_KEYS, neo4j_uri=f"bolt://127.0.0.1:{free_port()}")
    start = datetime(2026, 12, 1, tzinfo=UTC)
    trellis_recall = (("metric", "recall@5"), ("set", "gold"), ("system", "trellis"), ("type", "capital"))
    with serving(create_app(settings)) as url:
        assert _samples(url, "trellis_eval_metric") == {}, "no history yet: no gauges"

        _append(settings, "gold", start, commit="a" * 40)
        values = _samples(url, "trellis_eval_metric")
        assert values[trellis_recall] == 0.75
        assert values[(("metric", "mrr"), ("set", "gold"), ("system", "dense"), ("type", "capital"))] == 0.25
        assert values[(("metric", "abstained"), ("set", "gold"), ("system", "trellis"), ("type", "absent"))] == 1.0

        later = start + timedelta(days=1)
        _append(settings, "prose", start + timedelta(hours=1), commit="b" * 40)
        _append(settings, "gold", later, commit="c" * 40)
        when = _samples(url, "trellis_eval_run_timestamp_seconds")
        assert when == {
            (("set", "gold"),): later.timestamp(),
            (("set", "prose"),): (start + timedelta(hours=1)).timestamp(),
        }
        info = _samples(url, "trellis_eval_run_info")
        assert {dict(labels)["set"]: dict(labels)["commit"] for labels in info} == {"gold": "c" * 40, "prose": "b" * 40}
        assert {dict(labels)["generator"] for labels in info} == {"extractive"}

        history_path(settings).write_text("not parquet")
        assert _samples(url, "trellis_eval_metric") == {}, "a history that cannot be read exposes nothing"
        assert _samples(url, "trellis_gc_pause_max_seconds"), "and the other metrics are still there"
