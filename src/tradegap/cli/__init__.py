"""Command-line interface: ``tradegap COMMAND``.

Thin by design: commands parse options, call the library and render through
:mod:`tradegap.cli.render`.  Errors of type :class:`~tradegap.errors.TradegapError`
are printed as a message and hint, never as a traceback.
"""

from __future__ import annotations

import sys

from tradegap.cli.app import app


def load_commands() -> None:
    """Import every command module (each decorates its commands onto :data:`app`).

    The command modules import only typer, rich and tradegap's light modules at load time;
    numpy, pandas, scipy and numba are imported inside the commands (``tradegap --help``
    stays fast; ``tests/test_cli_lazy.py`` checks it).
    """
    from tradegap.cli import (  # noqa: F401  (imported for their side effect: registering commands)
        data_cmds,
        estimate_cmds,
        policy_cmds,
        potential_cmds,
        read_cmds,
        scenario_cmds,
        serve_cmds,
        world_cmds,
    )
    from tradegap.cli.helptext import reflow_all

    reflow_all(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every error ends as ``Error: … / Hint: …`` (see :mod:`.boundary`)."""
    from tradegap.cli.boundary import run
    from tradegap.errors import set_face

    set_face("cli")
    load_commands()
    sys.exit(run(app, argv))


if __name__ == "__main__":  # pragma: no cover
    main()
