"""Entity resolution: canonical names, alias rules, and the resolver the ingest pipeline calls."""

from trellis.kg.ingest.resolution.evaluation import PairScores, evaluate_pairs, load_pairs
from trellis.kg.ingest.resolution.models import (
    EntityStatus,
    KnownEntity,
    Match,
    Mention,
    Resolution,
    ResolvedEntity,
    ResolvedMention,
    SurfaceForm,
)
from trellis.kg.ingest.resolution.names import display_name, entity_id, name_key
from trellis.kg.ingest.resolution.resolver import EmbedFunction, EntityResolver

__all__ = [
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
]
