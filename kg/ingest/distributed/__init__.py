"""Ingest on Ray (the ``ray`` extra): loading, chunking, extraction and embedding as Ray Data stages on a local Ray
or a cluster; entity resolution and the Neo4j and FAISS writes stay in the driver, ordered as in one process.

    with ray_session(address) as cluster:  # None: a small Ray on this machine
        report = RayIngest(pipeline, cluster).ingest(["data/sample"])

Nothing here imports Ray until it is used, so the core install works without it. The names below are loaded on
first use: a Ray worker that unpickles a loading task imports this package, and must not pay for the pipeline's
models to read a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trellis.kg.lazy import lazy_names

if TYPE_CHECKING:
    from trellis.kg.ingest.distributed.cluster import RayCluster, ray_session, require_ray
    from trellis.kg.ingest.distributed.runner import RayIngest
    from trellis.kg.ingest.distributed.stages import StagePlan

__all__ = ["RayCluster", "RayIngest", "StagePlan", "ray_session", "require_ray"]

_HOMES = (
    "trellis.kg.ingest.distributed.cluster",
    "trellis.kg.ingest.distributed.stages",
    "trellis.kg.ingest.distributed.runner",
)
"""Where the public names live, the lightest first."""

__getattr__, __dir__ = lazy_names(__name__, __all__, _HOMES)
