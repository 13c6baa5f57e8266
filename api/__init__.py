"""Trellis's interfaces: the ``trellis`` command, the GraphQL API, the OpenAI-style chat route and MCP, all over
one service layer (``trellis.api.services``). They need the ``[api]`` extra: ``pip install 'trellis[api]'``."""

from importlib.util import find_spec

__all__: list[str] = []

_missing = [name for name in ("fastapi", "strawberry", "typer", "mcp") if find_spec(name) is None]
if _missing:
    raise ModuleNotFoundError(
        f"trellis.api needs the [api] extra ({', '.join(_missing)} missing): pip install 'trellis[api]'",
        name=_missing[0],
    )
