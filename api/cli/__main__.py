"""``python -m trellis.api.cli``: the same as the ``trellis`` script."""

from trellis.api.cli.app import main

main()
