"""The ``trellis`` command line: :mod:`trellis.api.cli.app` is the root command, each ``*_commands`` module a group."""

__all__: list[str] = []
