"""Trellis interfaces: the CLI now; the GraphQL API and chat routes join it."""

__all__: list[str] = []
