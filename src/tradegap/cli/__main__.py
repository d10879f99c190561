"""``python -m tradegap.cli``: the same entry point as the ``tradegap`` executable."""

from tradegap.cli import main

main()
