"""Each package's public names, pinned: a name joins or leaves a package's ``__all__`` only with this list.

Every package of kg, retrieval, training and api declares an ``__all__`` (empty where it re-exports nothing); the
list here is that ``__all__`` in its order, so an export added, dropped or renamed in passing fails here and is
then a deliberate change, made in both places.
"""

from __future__ import annotations

import importlib

import pytest

from tests.support import REPO

PACKAGES = ("kg", "retrieval", "training", "api")

PUBLIC_NAMES: dict[str, list[str]] = {
    "trellis.api": [],
    "trellis.api.chat": ["router"],
    "trellis.api.cli": [],
    "trellis.api.graphql": ["SCHEMA_FILE", "build_schema", "mount_graphql", "schema_sdl"],
    "trellis.api.graphql.types": [],
    "trellis.api.mcp": ["McpHttp", "build_mcp", "mcp_http"],
    "trellis.api.services": [],
    "trellis.kg": ["Settings", "TrellisError", "get_settings"],
    "trellis.kg.exchange": [
        "TABLE_NAMES",
        "ExportManifest",
        "ImportReport",
        "Location",
        "Table",
        "export_graph",
        "import_graph",
        "open_location",
        "read_manifest",
        "table",
    ],
    "trellis.kg.graph": [
        "GraphStore",
        "LocalServer",
        "Record",
        "StartResult",
        "apply_schema",
        "describe_schema",
        "load_query",
        "query_names",
        "schema_statements",
    ],
    "trellis.kg.ingest": [],
    "trellis.kg.ingest.distributed": ["RayCluster", "RayIngest", "StagePlan", "ray_session", "require_ray"],
    "trellis.kg.ingest.extraction": [
        "CO_OCCURS_WITH",
        "SPACY_LABELS",
        "Extractor",
        "LLMExtractor",
        "SpacyExtractor",
        "entity_type",
        "load_pipeline",
        "normalise_predicate",
    ],
    "trellis.kg.ingest.loaders": [
        "SUPPORTED_EXTENSIONS",
        "LoadFailure",
        "LoadResult",
        "clean_text",
        "document_id",
        "iter_folder",
        "load_bytes",
        "load_file",
        "load_paths",
        "sha256_text",
        "unwrap_lines",
    ],
    "trellis.kg.ingest.resolution": [
        "EmbedFunction",
        "EntityResolver",
        "EntityStatus",
        "KnownEntity",
        "Match",
        "Mention",
        "PairScores",
        "Resolution",
        "ResolvedEntity",
        "ResolvedMention",
        "SurfaceForm",
        "display_name",
        "entity_id",
        "evaluate_pairs",
        "load_pairs",
        "name_key",
    ],
    "trellis.kg.vectors": [
        "Embedder",
        "Neo4jVectorSearch",
        "SearchHit",
        "VectorIndex",
        "VectorSearch",
        "default_model_path",
        "gpu_count",
        "hash_id",
        "open_vector_search",
        "resolve_device",
    ],
    "trellis.retrieval": [
        "NOT_IN_GRAPH",
        "Answer",
        "AnswerOptions",
        "Citation",
        "Context",
        "EmptyQuestionError",
        "Evidence",
        "ExtractiveGenerator",
        "Fact",
        "Generation",
        "Generator",
        "GraphEdge",
        "GraphNode",
        "GraphPath",
        "LinkedEntity",
        "Passage",
        "QuestionTooLongError",
        "Retrieval",
        "RetrievalError",
        "Retriever",
        "StreamingGenerator",
        "Subgraph",
        "answer",
        "build_context",
        "make_generator",
        "retrieve",
    ],
    "trellis.retrieval.evaluation": [
        "DEFAULT_EVAL_DIR",
        "SYSTEM_NAMES",
        "EvalQuestion",
        "EvaluationReport",
        "QuestionResult",
        "Retrieved",
        "SystemSummary",
        "answer_span",
        "build_systems",
        "evaluate",
        "exact_match",
        "load_questions",
        "load_sets",
        "normalize_answer",
        "recall_at_k",
        "reciprocal_rank",
        "token_f1",
    ],
    "trellis.retrieval.generators": [
        "NOT_IN_GRAPH",
        "AnswerabilityGate",
        "ChatModelGenerator",
        "ExtractiveGenerator",
        "Generation",
        "Generator",
        "LocalLMGenerator",
        "StreamingGenerator",
        "make_generator",
    ],
    "trellis.training": [
        "BaseModelNotFoundError",
        "CorruptAdapterError",
        "DatasetBuilder",
        "DatasetNotFoundError",
        "DatasetOptions",
        "DatasetStats",
        "EmptyGraphError",
        "EvalConfig",
        "EvalMetrics",
        "EvalReport",
        "Example",
        "FinetuneConfig",
        "RunMetadata",
        "RunNotFoundError",
        "TooFewExamplesError",
        "TrainingError",
        "evaluate",
        "finetune",
        "list_runs",
        "promote",
        "read_run",
    ],
}


def _packages() -> set[str]:
    return {
        ".".join(("trellis", *init.parent.relative_to(REPO).parts))
        for p in PACKAGES
        for init in (REPO / p).rglob("__init__.py")
    }


def test_every_package_is_pinned() -> None:
    assert _packages() == set(PUBLIC_NAMES)


@pytest.mark.parametrize("package", sorted(PUBLIC_NAMES))
def test_a_package_exports_exactly_its_pinned_names(package: str) -> None:
    module = importlib.import_module(package)
    assert list(module.__all__) == PUBLIC_NAMES[package]
    assert [name for name in module.__all__ if not hasattr(module, name)] == []
