"""Command-line interface: ``tradegap COMMAND``.

Thin by design: commands parse options, call the library and render through
:mod:`tradegap.cli.render`.  Errors of type :class:`~tradegap.errors.TradegapError`
are printed as a message and hint, never as a traceback.
"""

from __future__ import annotations

import importlib
import sys

from tradegap.cli.app import app

#: Command modules; each decorates its commands onto :data:`app` when imported.
COMMAND_MODULES = (
    "tradegap.cli.data_cmds",
    "tradegap.cli.estimate_cmds",
    "tradegap.cli.potential_cmds",
    "tradegap.cli.scenario_cmds",
    "tradegap.cli.read_cmds",
    "tradegap.cli.policy_cmds",
)


def load_commands() -> None:
    """Import every command module (registering its commands)."""
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module still being written
            if exc.name != name:
                raise


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every error ends as ``Error: … / Hint: …`` (see :mod:`.boundary`)."""
    from tradegap.cli.boundary import run
    from tradegap.errors import set_face

    set_face("cli")
    load_commands()
    sys.exit(run(app, argv))


if __name__ == "__main__":  # pragma: no cover
    main()
