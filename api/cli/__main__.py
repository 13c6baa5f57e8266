"""``python -m api.cli``: the same as the ``trellis`` script."""

from api.cli.app import main

main()
