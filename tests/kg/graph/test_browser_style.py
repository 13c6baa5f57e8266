"""The Browser style as one command: every rule of style.grass, as JSON the Browser reads, with no semicolon."""

from __future__ import annotations

import json
import re
from importlib import resources

from trellis.kg.graph.browser_style import style_command, style_rules


def test_the_command_carries_every_rule_of_the_grass_file() -> None:
    grass = (resources.files("trellis.cypher") / "browser" / "style.grass").read_text(encoding="utf-8")
    selectors = re.findall(r"^([\w.]+)\s*\{", re.sub(r"/\*.*?\*/", "", grass, flags=re.DOTALL), re.MULTILINE)
    command = style_command()
    assert command.startswith("style {") and ";" not in command  # the Browser cuts post-connect commands at ";"
    rules = json.loads(command.removeprefix("style "))
    assert list(rules) == selectors == list(style_rules())
    assert rules["node.Person"] == {"color": "#F79767", "border-color": "#F36924", "caption": "{name}"}
    assert rules["relationship"]["caption"] == "<type>" and rules["relationship.NEXT"]["caption"] == ""
