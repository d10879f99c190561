"""Command-line interface: ``tradegap COMMAND``.

Thin by design: commands parse options, call the library and render through
:mod:`tradegap.cli.render`.  Errors of type :class:`~tradegap.errors.TradegapError`
are printed as a message and hint, never as a traceback.
"""

from __future__ import annotations

import sys

from tradegap.cli.app import app
from tradegap.errors import TradegapError


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
    )


def main() -> None:
    """Console-script entry point."""
    load_commands()
    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except TradegapError as exc:
        from tradegap.cli.render import err_console

        err_console.print(f"[bold red]Error:[/] {exc.message}", highlight=False, markup=True)
        if exc.hint:
            err_console.print(f"[yellow]Hint:[/] {exc.hint}", highlight=False)
        sys.exit(2)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors etc.
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
