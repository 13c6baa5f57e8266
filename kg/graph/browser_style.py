"""The Browser style as a command: ``cypher/browser/style.grass`` read as its rules and written as the one-line JSON
that Neo4j Browser's ``:style`` command accepts (it reads JSON before CSS).

The local server runs it on every connection (``browser.post_connect_cmd`` in the ``neo4j.conf`` Trellis writes),
so the Browser shows documents, chunks and entities in Trellis's colours and captions without a drag of the file;
the guide prints the same command for a server Trellis does not configure. The Browser splits its post-connect
setting into commands at semicolons, which is why the JSON form and not the CSS one: it holds none.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

__all__ = ["style_command", "style_rules"]

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([\w.-]+)\s*\{((?:[^{}\"']|\"[^\"]*\"|'[^']*')*)\}")  # a quoted "{name}" is a value


@cache
def style_rules() -> dict[str, dict[str, str]]:
    """The rules of ``style.grass``, selector -> property -> value (quotes removed, as the Browser reads them)."""
    text = _COMMENT.sub("", (resources.files("trellis.cypher") / "browser" / "style.grass").read_text(encoding="utf-8"))
    rules: dict[str, dict[str, str]] = {}
    for selector, body in _RULE.findall(text):
        declarations = (part.split(":", 1) for part in body.split(";") if ":" in part)
        rules[selector] = {name.strip(): value.strip().strip("\"'") for name, value in declarations}
    return rules


def style_command() -> str:
    """``style {...}``: the Browser command (without its leading colon) that applies the style."""
    command = "style " + json.dumps(style_rules(), separators=(",", ":"))
    if ";" in command:  # the Browser would cut the command there
        raise ValueError("a value of cypher/browser/style.grass holds a semicolon")
    return command
