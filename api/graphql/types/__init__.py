"""One GraphQL type per module, each built from its domain object with ``from_domain``."""

__all__: list[str] = []
