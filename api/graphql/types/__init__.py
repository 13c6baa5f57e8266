"""One GraphQL type per module, each built from its domain object with ``from_domain`` (or ``from_row``)."""

__all__: list[str] = []
