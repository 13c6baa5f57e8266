"""The Ray cluster an ingest runs on: a small one started on this machine, or an existing one joined by address.

Ray is an extra (``pip install 'trellis[ray]'``), imported only here and in the stages, so the core install works
without it. An address is checked with a plain TCP connection before Ray is asked to join it: Ray itself waits
minutes for a server that is not there, and the answer must be one clear line, before anything is written.
"""

from __future__ import annotations

import logging
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from pydantic import BaseModel, ConfigDict

from trellis.kg.errors import ConfigurationError

__all__ = ["LOCAL_CPUS", "RayCluster", "ray_session", "require_ray"]

logger = logging.getLogger(__name__)

LOCAL_CPUS = 2
"""CPUs of the Ray started on this machine when no address is given (tests and CI share small machines)."""
_GCS_PORT, _CLIENT_PORT = 6379, 10001  # Ray's defaults: `ray start --head` and the Ray Client server
_PROBE_SECONDS = 5.0
_INSTALL = "pip install 'trellis[ray]' (or: pip install 'ray[data]>=2.40')"


class RayCluster(BaseModel):
    """What the stages are planned from: where the cluster is and the CPUs and GPUs it offers."""

    model_config = ConfigDict(frozen=True)

    address: str
    cpus: float
    gpus: float
    local: bool
    """Started for this ingest on this machine (and shut down after it)."""


def require_ray() -> ModuleType:
    """The ``ray`` module, or a ConfigurationError that says how to install the extra."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigurationError(f"--ray needs Ray, which is not installed ({exc.name}): {_INSTALL}") from None
    return ray


def _host_port(address: str) -> tuple[str, int] | None:
    """Where ``address`` listens, or None for the addresses Ray resolves itself (``auto``, ``local``)."""
    if address in ("auto", "local"):
        return None
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://").rstrip("/")
    host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
    if not host or (port and not port.isdigit()):
        raise ConfigurationError(f"{address!r} is no Ray address: write HOST:PORT or ray://HOST:PORT")
    return host, int(port) if port else (_CLIENT_PORT if client else _GCS_PORT)


def _probe(address: str) -> None:
    """Fail with one clear line when nothing answers at ``address``."""
    target = _host_port(address)
    if target is None:
        return
    try:
        socket.create_connection(target, timeout=_PROBE_SECONDS).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError(
            f"no Ray cluster answers at {address} ({reason}): check the address, start one with "
            "`ray start --head`, or leave the address out to run Ray on this machine"
        ) from None


def _described(ray: ModuleType, *, local: bool) -> RayCluster:
    resources = ray.cluster_resources()
    return RayCluster(
        address=str(ray.get_runtime_context().gcs_address),
        cpus=float(resources.get("CPU", 0.0)),
        gpus=float(resources.get("GPU", 0.0)),
        local=local,
    )


@contextmanager
def ray_session(address: str | None = None, *, cpus: int = LOCAL_CPUS) -> Iterator[RayCluster]:
    """Ray for the length of the block: joined at ``address``, or started on this machine with ``cpus`` CPUs, no
    dashboard and a temporary folder of its own, and shut down at the end. A Ray this process already runs (a
    test's, a notebook's) is used as it is and left running."""
    ray = require_ray()
    if ray.is_initialized():
        yield _described(ray, local=False)
        return
    if address:
        _probe(address)
    folder = None if address else tempfile.mkdtemp(prefix="trellis-ray-")  # short: Ray's socket paths must fit
    options: dict[str, object] = {"logging_level": logging.WARNING, "log_to_driver": False}
    if folder is not None:
        options |= {"num_cpus": cpus, "include_dashboard": False, "_temp_dir": folder}
    try:
        ray.init(address=address or None, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        where = f"join the Ray cluster at {address}" if address else "start Ray on this machine"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigurationError(f"cannot {where}: {first}") from None
    try:
        cluster = _described(ray, local=folder is not None)
        logger.info("Ray at %s: %.0f CPUs, %.0f GPUs", cluster.address, cluster.cpus, cluster.gpus)
        yield cluster
    finally:
        ray.shutdown()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
