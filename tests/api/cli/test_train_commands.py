"""`trellis train ...` and the generator's settings, given bad values: a usage error or one clear line, no run made."""

from __future__ import annotations

import pytest

from tests.support import run_cli, settings_env
from trellis.kg.settings import Settings


def _runs(settings: Settings) -> list[str]:
    folder = settings.data_dir / "models" / "runs"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("share", ["0", "1.5", "-0.2", "most"])
def test_unanswerable_share_out_of_range_is_a_usage_error(neo4j_settings: Settings, share: str) -> None:
    before = _runs(neo4j_settings)
    result = run_cli("train", "finetune", "--unanswerable-share", share, env=settings_env(neo4j_settings))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "--unanswerable-share" in result.stderr
    assert _runs(neo4j_settings) == before


@pytest.mark.parametrize("value", ["2", "-0.1", "half"])
def test_bad_abstain_threshold_names_the_setting(neo4j_settings: Settings, value: str) -> None:
    env = settings_env(neo4j_settings, TRELLIS_LLM_ABSTAIN_THRESHOLD=value)
    result = run_cli("ask", "What is the capital of Albania?", "--generator", "local", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "TRELLIS_LLM_ABSTAIN_THRESHOLD" in lines[0]
