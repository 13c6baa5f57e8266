"""Write the settings tables from ``kg.settings.Settings``: every setting in docs/configuration.md, the main ones in
the README (between its ``settings-table`` markers).

    python scripts/settings_table.py           # print docs/configuration.md
    python scripts/settings_table.py --write   # rewrite docs/configuration.md and the README's table
    python scripts/settings_table.py --check   # exit 1 when either is out of date (tests/test_docs.py does the same)

A setting's description is its ``Field(description=...)``, else the comment on its line in kg/settings.py (or the
comment block right above it), else its entry in :data:`DESCRIPTIONS`. A comment block after a blank line in the
class body opens a section. Nothing here builds a ``Settings``, so the environment and ``.env`` never show.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import re
import sys
import tokenize
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo

from trellis.kg import settings as settings_module
from trellis.kg.settings import ENVIRONMENT_ONLY, MIN_API_KEY_CHARS, Settings

__all__ = ["DESCRIPTIONS", "MAIN_SETTINGS", "configuration_page", "readme_table", "readme_with_table", "sections"]

REPO = Path(__file__).resolve().parents[1]
CONFIGURATION = REPO / "docs" / "configuration.md"
README = REPO / "README.md"
BEGIN, END = "<!-- settings-table: begin -->", "<!-- settings-table: end -->"

MAIN_SETTINGS = (
    "neo4j_uri",
    "neo4j_password",
    "data_dir",
    "cache_dir",
    "neo4j_heap",
    "generator",
    "llm_model",
    "openai_base_url",
    "chat_model",
    "embedding_model",
    "spacy_model",
    "api_keys",
)
"""The settings the README shows: where the graph is, where data goes, which model answers, who may call the API."""

DESCRIPTIONS = {
    "cache_dir": "downloads that can be made again: the Neo4j distribution, converted models, ONNX exports",
    "data_dir": "state that cannot: the local server's files, FAISS indexes, the API key and logs, training runs",
    "neo4j_uri": "an existing server (Aura, Docker, a cluster); unset: Trellis runs its own local server",
    "neo4j_user": "user of the Neo4j server",
    "neo4j_password": "password of the server; unset: a generated one kept in `<data dir>/neo4j/password` (mode 0600)",
    "neo4j_database": "database on the server",
    "neo4j_connect_timeout_s": "seconds to wait for a connection",
    "neo4j_max_retry_s": "seconds a transaction is retried on transient errors",
    "write_batch_size": "rows per `UNWIND` write",
    "neo4j_version": "Neo4j Community version fetched from Maven Central",
    "apoc_version": "APOC core version fetched with it",
    "neo4j_browser_version": "Neo4j Browser version fetched with it",
    "neo4j_host": "address the local server listens on",
    "neo4j_bolt_port": "Bolt port of the local server",
    "neo4j_http_port": "HTTP port of the local server (Neo4j Browser under `/browser/`)",
    "neo4j_heap": "Java heap of the local server (sized for a 24 GiB machine)",
    "neo4j_pagecache": "page cache of the local server",
    "neo4j_start_timeout_s": "seconds to wait for the local server to start",
    "java_home": "the Java 17 that runs the local server; unset: the one on PATH",
    "maven_command": "the Maven that fetches Neo4j",
    "chunk_max_tokens": "longest chunk, in the embedder's tokens",
    "chunk_overlap_tokens": "tokens a chunk shares with the one before",
    "max_document_bytes": "largest document accepted",
    "ingest_batch_documents": "documents per ingest batch (one Neo4j transaction)",
    "ingest_exclude": "file name patterns skipped when ingesting a folder",
    "spacy_model": "spaCy pipeline for entities and relations (any installed one, e.g. `en_core_web_trf`)",
    "spacy_batch_size": "texts per spaCy batch",
    "resolution_similarity": "embedding cosine above which two entity names are one entity",
    "embedding_model": "sentence-transformers model folder or id; unset: the packaged all-MiniLM-L6-v2",
    "embedding_dimensions": "size of the embeddings (the vector indexes are built with it)",
    "embedding_batch_size": "texts per embedding batch",
    "faiss_index_kind": "`auto` picks flat, HNSW or IVF by size",
    "faiss_hnsw_m": "neighbours per node of an HNSW index",
    "graph_snapshot": "read the graph's adjacency from an in-process snapshot instead of Neo4j per question",
    "graph_snapshot_max_rows": "no snapshot for a graph with more entities, relations or mentions than this",
    "generator": "what writes the answer: a short span with no model, a local LM, an OpenAI-compatible API, LangChain",
    "llm_max_new_tokens": "most tokens a language model writes for one answer",
    "openai_base_url": "OpenAI-compatible endpoint of the `openai` generator",
    "openai_api_key": "key for that endpoint",
    "openai_model": "model the `openai` generator asks for",
    "api_host": "address `trellis serve` listens on",
    "api_port": "port `trellis serve` listens on",
    "api_keys": 'API keys and their scopes, `{"a-long-secret": "read", "another": "write"}`, each key at least '
    f"{MIN_API_KEY_CHARS} characters; none: one write key is generated into `<data dir>/api/api-key`",
    "api_cors_origins": "web origins allowed to call the API from a browser",
    "api_max_aliases": "aliases in one GraphQL operation",
}
"""Descriptions of the settings that kg/settings.py does not describe yet. Moving one into its ``Field(description=
...)`` there wins over the entry here; tests/test_docs.py then asks for the entry to go."""

PAGE_HEAD = """\
# Configuration

<!-- Generated by scripts/settings_table.py from kg/settings.py: edit those, then run
     `python scripts/settings_table.py --write`. tests/test_docs.py fails when this page is out of date. -->

Every setting is an environment variable named `TRELLIS_` and the setting's name in capitals, or a line in a `.env`
file in the current folder; the environment wins over `.env`. An existing Neo4j also takes the usual `NEO4J_URI`,
`NEO4J_USER` and `NEO4J_PASSWORD`. A `.env` may come with a cloned repository, so it may not set the settings marked
*environment only* (the programs Trellis runs, auth, where the graph and model calls go): a `.env` that tries is
ignored for them, with a warning. A bad value stops the program with one line naming the variable.

Library code takes a `Settings` object (`trellis.kg.settings.Settings`, or `get_settings()` for the process's own)
and never reads the environment itself. Lists and the API keys are JSON: `TRELLIS_API_KEYS='{"a-long-secret": "read"}'`.
"""


@dataclass(frozen=True)
class Row:
    """One setting as the tables show it."""

    names: tuple[str, ...]
    kind: str
    default: str
    description: str

    def cells(self, *, with_kind: bool) -> str:
        """The row's markdown: variable names, (type), default, description."""
        names = " or ".join(f"`{name}`" for name in self.names)
        kind = [_cell(self.kind)] if with_kind else []
        return "| " + " | ".join([names, *kind, f"`{self.default}`", _cell(self.description)]) + " |"


@dataclass
class Section:
    """The settings under one comment heading of the class body."""

    title: str
    note: str
    rows: list[Row] = field(default_factory=list)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _kind(annotation: object) -> str:
    """The annotation as a reader sets it: ``extractive / local``, ``path``, ``JSON list``."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return " / ".join(str(arg) for arg in args)
    if origin in (Union, types.UnionType):
        return " / ".join(_kind(arg) for arg in args if arg is not type(None))
    if origin is list:
        return "JSON list"
    if origin is dict:
        return "JSON object"
    if annotation is SecretStr:
        return "secret"
    return "path" if annotation is Path else getattr(annotation, "__name__", str(annotation))


def _default(info: FieldInfo) -> str:
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Path) and value.is_relative_to(Path.home()):
        return str(Path("~") / value.relative_to(Path.home()))
    return json.dumps(value) if isinstance(value, list | dict) else str(value)


def _names(name: str, info: FieldInfo) -> tuple[str, ...]:
    """The variables that set a field: ``TRELLIS_NAME``, and its aliases where it has some (``NEO4J_URI``)."""
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(str(choice) for choice in alias.choices)
    return (f"TRELLIS_{name}".upper(),)


def _comments(source: str) -> dict[int, tuple[bool, str]]:
    """Line number -> (whether the comment has the line to itself, its text without ``#``)."""
    found: dict[int, tuple[bool, str]] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            alone = token.line.strip().startswith("#")
            found[token.start[0]] = (alone, token.string.lstrip("#").strip())
    return found


def _section(block: str) -> Section:
    """A section from its comment: "Vectors: the embedding model ..." is titled "Vectors"."""
    parts = re.split(r"(?<=[.:]) ", block, maxsplit=1)
    title, note = parts[0].rstrip(".:"), parts[1] if len(parts) > 1 else ""
    return Section(title=title, note=note[:1].upper() + note[1:])


def sections() -> list[Section]:
    """The settings in class order, grouped under their comment headings, each with its description."""
    source = Path(settings_module.__file__).read_text(encoding="utf-8")
    lines, comments = source.splitlines(), _comments(source)
    body = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Settings").body
    found: list[Section] = []
    for statement in body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        above = statement.lineno - 1
        while comments.get(above, (False, ""))[0]:
            above -= 1
        block = " ".join(comments[line][1] for line in range(above + 1, statement.lineno))
        if block and not lines[above - 1].strip():  # a comment block after a blank line opens a section
            found.append(_section(block))
            block = ""
        end = statement.end_lineno or statement.lineno
        trailing = [comments[line][1] for line in range(statement.lineno, end + 1) if line in comments]
        name = statement.target.id
        info = Settings.model_fields[name]
        text = info.description or " ".join([block, *trailing]).strip() or DESCRIPTIONS.get(name, "")
        if name in ENVIRONMENT_ONLY:
            text += " *(environment only)*"
        found[-1].rows.append(Row(_names(name, info), _kind(info.annotation), _default(info), text))
    return found


def configuration_page() -> str:
    """docs/configuration.md: every setting, by section."""
    parts = [PAGE_HEAD]
    for section in sections():
        rows = "\n".join(row.cells(with_kind=True) for row in section.rows)
        table = f"| variable | type | default | what it sets |\n|---|---|---|---|\n{rows}"
        note = f"{section.note}\n\n" if section.note else ""
        parts.append(f"## {section.title}\n\n{note}{table}\n")
    return "\n".join(parts)


def readme_table() -> str:
    """The README's table: the :data:`MAIN_SETTINGS`, in that order."""
    rows = {row.names[0]: row for section in sections() for row in section.rows}
    lines = [rows[f"TRELLIS_{name}".upper()].cells(with_kind=False) for name in MAIN_SETTINGS]
    return "\n".join(["| variable | default | what it sets |", "|---|---|---|", *lines])


def readme_with_table(readme: str) -> str:
    """The README with the text between its markers replaced by :func:`readme_table`."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return f"{readme[:start]}\n{readme_table()}\n{readme[end:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite docs/configuration.md and the README's table")
    action.add_argument("--check", action="store_true", help="exit 1 when either is out of date")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        print(configuration_page(), end="")
        return 0
    wanted = {CONFIGURATION: configuration_page(), README: readme_with_table(README.read_text(encoding="utf-8"))}
    if args.write:
        for path, text in wanted.items():
            path.write_text(text, encoding="utf-8")
        return 0
    stale = [str(path.relative_to(REPO)) for path, text in wanted.items() if path.read_text(encoding="utf-8") != text]
    for name in stale:
        print(f"{name} is out of date: run python scripts/settings_table.py --write", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
