"""Command-line interface: ``tradegap COMMAND``.

Thin by design: commands parse options, call the library and render through
:mod:`tradegap.cli.render`.  Errors of type :class:`~tradegap.errors.TradegapError`
are printed as a message and hint, never as a traceback.
"""

from __future__ import annotations

import importlib
import sys

from tradegap.cli.app import app
from tradegap.errors import TradegapError

#: Command modules; each decorates its commands onto :data:`app` when imported.
COMMAND_MODULES = (
    "tradegap.cli.data_cmds",
    "tradegap.cli.estimate_cmds",
    "tradegap.cli.potential_cmds",
    "tradegap.cli.scenario_cmds",
    "tradegap.cli.read_cmds",
    "tradegap.cli.policy_cmds",
    "tradegap.cli.serve_cmds",
)


def load_commands() -> None:
    """Import every command module (registering its commands)."""
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module still being written
            if exc.name != name:
                raise


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
