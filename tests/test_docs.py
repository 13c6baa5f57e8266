"""The README and docs/ agree with the code: the settings tables are generated from ``Settings`` and current, every
setting is described, the README keeps its two commands and its size, and every link points into the repository."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import REPO
from trellis.kg.settings import Settings

GENERATOR = REPO / "scripts" / "settings_table.py"
README = REPO / "README.md"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.fixture(scope="module")
def settings_table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("settings_table", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_configuration_page_is_generated_from_settings(settings_table: ModuleType) -> None:
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == settings_table.configuration_page(), "run: python scripts/settings_table.py --write"


def test_readme_settings_table_is_generated_from_settings(settings_table: ModuleType) -> None:
    readme = README.read_text(encoding="utf-8")
    assert readme == settings_table.readme_with_table(readme), "run: python scripts/settings_table.py --write"


def test_every_setting_is_on_the_page_with_a_description(settings_table: ModuleType) -> None:
    rows = [row for section in settings_table.sections() for row in section.rows]
    assert len(rows) == len(Settings.model_fields)
    assert [row.names[0] for row in rows if not row.description] == []
    assert set(settings_table.MAIN_SETTINGS) <= set(Settings.model_fields)


def test_fallback_descriptions_only_for_settings_the_source_leaves_undescribed(
    settings_table: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A description added in kg/settings.py wins; its fallback entry in the generator must then go."""
    fallback = set(settings_table.DESCRIPTIONS)
    monkeypatch.setattr(settings_table, "DESCRIPTIONS", {})
    undescribed = {
        row.names[0].removeprefix("TRELLIS_").lower()
        for section in settings_table.sections()
        for row in section.rows
        if not row.description.replace("*(environment only)*", "").strip()
    }
    assert fallback == undescribed


def test_readme_keeps_its_two_commands_and_stays_short() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "bash scripts/demo.sh      # set everything up and run the main job" in readme  # .ci/run: command 1
    assert "bash scripts/test.sh      # run the tests" in readme  # .ci/run: command 2
    assert len(readme.splitlines()) <= 150


@pytest.mark.parametrize("page", [README, *sorted((REPO / "docs").glob("*.md"))], ids=lambda path: path.name)
def test_links_point_into_the_repository(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(REPO), f"{page.name} links outside the repository: {target}"
        assert resolved.exists(), f"{page.name} links to a missing file: {target}"
