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
    except Exception as exc:  # click usage errors etc. (typer may vendor its own click: match by shape)
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            hint = _nested_command_hint(str(exc))
            if hint:
                from tradegap.cli.render import err_console

                err_console.print(f"[yellow]Hint:[/] {hint}", highlight=False)
            sys.exit(code)
        if type(exc).__name__ == "Abort":
            sys.exit(1)
        raise


def _nested_command_hint(message: str) -> str | None:
    """For "No such command 'fta'": the group that has it (``tradegap scenario fta``)."""
    import re

    m = re.search(r"No such command '([^']+)'", message)
    if not m:
        return None
    name = m.group(1)
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is not None and any((c.name or (c.callback.__name__ if c.callback else "")) == name
                                   for c in sub.registered_commands):
            return f"'{name}' is a subcommand: run `tradegap {group.name} {name} --help`."
    return "Run `tradegap --help` for the commands."


if __name__ == "__main__":  # pragma: no cover
    main()
