"""The console entry point's one error boundary.

Everything a user can get wrong on the command line ends here as two lines on
stderr, ``Error: …`` and ``Hint: …``, and exit code 2 — never a traceback:

* usage errors of the command-line parser (typer's vendored click and click
  itself): no command, unknown command or option, missing argument, a value
  that does not parse (``--year abc``, ``--format xml``, ``--top 0``);
* :class:`~tradegap.errors.TradegapError` raised by the library;
* running out of memory or disk, a closed pipe (``tradegap … | head``), Ctrl-C.

Anything else is a bug in tradegap: it is reported in one line with exit code 1,
and the traceback is shown only when ``TRADEGAP_DEBUG=1``.
"""

from __future__ import annotations

import difflib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click.exceptions as click_exc
import typer
from rich.console import Console
from rich.markup import escape

from tradegap.errors import TradegapError

try:  # typer ≥ 0.17 vendors click and raises its own copies of click's exceptions
    from typer._click import exceptions as _typer_exc
except ImportError:  # pragma: no cover - a typer that uses click directly
    _typer_exc = None

__all__ = ["MAX_MESSAGE_CHARS", "print_error", "run"]

#: Longest message printed; a longer one (a 5 MB cell echoed by a library) is cut in the middle.
MAX_MESSAGE_CHARS = 2_000

_USAGE_ERRORS: tuple[type[BaseException], ...] = (click_exc.UsageError,) + (
    (_typer_exc.UsageError,) if _typer_exc is not None else ()
)
_CLICK_ERRORS: tuple[type[BaseException], ...] = (click_exc.ClickException,) + (
    (_typer_exc.ClickException,) if _typer_exc is not None else ()
)
_NO_ARGS: tuple[type[BaseException], ...] = (
    (_typer_exc.NoArgsIsHelpError,) if _typer_exc is not None and hasattr(_typer_exc, "NoArgsIsHelpError") else ()
) + ((click_exc.NoArgsIsHelpError,) if hasattr(click_exc, "NoArgsIsHelpError") else ())


def _shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut in the middle to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    keep = limit // 2 - 20
    return f"{text[:keep]} … [{len(text) - 2 * keep:,} characters cut] … {text[-keep:]}"


def print_error(message: str, hint: str | None = None, *, console: Console | None = None) -> None:
    """Print ``Error: message`` and ``Hint: hint`` on stderr (no markup interpreted).

    A message that carries its own ``Hint:`` line (an error wrapped in another) is split,
    so the user sees one Error and one Hint.
    """
    con = console or Console(stderr=True)
    if "\nHint: " in message:
        message, _, inner = message.partition("\nHint: ")
        hint = inner if not hint else hint
    if hint and "\nHint: " in hint:
        hint = hint.split("\nHint: ")[-1]
    con.print(f"[bold red]Error:[/] {escape(_shorten(message))}", highlight=False, soft_wrap=True)
    if hint:
        con.print(f"[yellow]Hint:[/] {escape(_shorten(hint, 500))}", highlight=False, soft_wrap=True)


def help_hint() -> str:
    """The fallback hint for an error without its own: the running command's help."""
    import click.globals

    ctx = None
    if _typer_exc is not None:
        from typer._click import globals as typer_globals

        ctx = typer_globals.get_current_context(silent=True)
    ctx = ctx or click.globals.get_current_context(silent=True)
    return f"Run `{_command_path(ctx)} --help` for the options and an example."


def _command_path(ctx: Any) -> str:
    return getattr(ctx, "command_path", None) or "tradegap"


def _options_of(ctx: Any) -> list[str]:
    names: list[str] = []
    for p in getattr(getattr(ctx, "command", None), "params", []) or []:
        names.extend(o for o in getattr(p, "opts", []) if o.startswith("-"))
        names.extend(o for o in getattr(p, "secondary_opts", []) if o.startswith("-"))
    return names


def _commands_of(ctx: Any) -> list[str]:
    cmd = getattr(ctx, "command", None)
    try:
        return sorted(cmd.list_commands(ctx)) if cmd is not None and hasattr(cmd, "list_commands") else []
    except Exception:  # noqa: BLE001 - suggestions are best effort
        return []


def _group_having(ctx: Any, name: str) -> str | None:
    """The subcommand group of ``ctx``'s command that has a command ``name`` (``scenario`` for ``fta``)."""
    cmd = getattr(ctx, "command", None)
    for group in _commands_of(ctx):
        sub = cmd.get_command(ctx, group) if cmd is not None and hasattr(cmd, "get_command") else None
        if sub is not None and hasattr(sub, "list_commands") and name in sub.list_commands(ctx):
            return group
    return None


def _param_label(param: Any) -> str:
    if param is None:
        return "a value"
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")] or list(getattr(param, "opts", []))
    if getattr(param, "param_type_name", "") == "argument" or not opts:
        return f"argument {(getattr(param, 'name', None) or '?').upper()}"
    return f"option {opts[0]}"


def _usage(ctx: Any) -> str:
    """``tradegap trade A B [OPTIONS]`` from the command's parameters."""
    params = getattr(getattr(ctx, "command", None), "params", []) or []
    argn = [
        (p.name or "?").upper() + ("..." if getattr(p, "nargs", 1) == -1 else "")
        for p in params
        if getattr(p, "param_type_name", "") == "argument"
    ]
    return " ".join([_command_path(ctx), *argn, "[OPTIONS]"])


_PLAIN = (
    ("Value error, ", ""),
    ("Input should be a valid integer, unable to parse string as an integer", "not a whole number"),
    ("Input should be a valid integer", "not a whole number"),
    ("Input should be a valid number, unable to parse string as a number", "not a number"),
    ("Input should be a valid number", "not a number"),
    ("Input should be ", "it should be "),
)


def _plain_detail(detail: str) -> str:
    for old, new in _PLAIN:
        if detail.startswith(old):
            return new + detail[len(old):]
    return detail


def _given_value(param: Any, args: Sequence[str]) -> str | None:
    """The value the user typed for an option (``--year abc`` → ``"abc"``), if findable."""
    opts = list(getattr(param, "opts", []) or [])
    for k, tok in enumerate(args):
        for o in opts:
            if tok == o and k + 1 < len(args):
                return args[k + 1]
            if o.startswith("--") and tok.startswith(o + "="):
                return tok[len(o) + 1:]
    return None


def _usage_message(exc: Any, args: Sequence[str] = ()) -> tuple[str, str]:
    """(message, hint) for a click/typer usage error."""
    ctx = getattr(exc, "ctx", None)
    path = _command_path(ctx)
    help_hint = f"Run `{path} --help` for the options and an example."
    name = type(exc).__name__
    if name == "NoArgsIsHelpError":
        if path.strip() == "tradegap" or " " not in path:
            return ("No command given.", "Run `tradegap --help` for the commands, e.g. `tradegap trade IRN RUS`.")
        return (f"`{path}` needs arguments.", help_hint)
    if name == "NoSuchOption":
        opt = getattr(exc, "option_name", "") or ""
        close = difflib.get_close_matches(opt, _options_of(ctx), n=2, cutoff=0.6)
        hint = (f"Did you mean {' or '.join(close)}? " if close else "") + help_hint
        return (f"`{path}` has no option {opt}.", hint)
    if name == "MissingParameter":
        param = getattr(exc, "param", None)
        label = _param_label(param)
        what = getattr(param, "help", None)
        msg = f"Missing {label}" + (f" ({what.rstrip('.')})" if what else "") + "."
        return (msg, f"Usage: {_usage(ctx)}. {help_hint}")
    if name == "BadParameter":
        param = getattr(exc, "param", None)
        detail = _plain_detail(str(getattr(exc, "message", "") or exc).strip())
        given = _given_value(param, args)
        label = _param_label(param) if param is not None else (getattr(exc, "param_hint", None) or "a value")
        shown = f" {given!r}" if given is not None and repr(given) not in detail else ""
        return (f"Invalid value{shown} for {label}: {detail.rstrip('.')}.", help_hint)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if message.startswith("No such command"):
        bad = message.split("'")[1] if "'" in message else ""
        group = _group_having(ctx, bad)
        close = difflib.get_close_matches(bad, _commands_of(ctx), n=3, cutoff=0.5)
        if group:
            hint = f"'{bad}' is a subcommand: run `{path} {group} {bad} --help`."
        else:
            hint = (f"Did you mean {' or '.join(close)}? " if close else "") + f"Run `{path} --help` for the commands."
        return (f"`{path}` has no command {bad!r}.", hint)
    if message.startswith("Got unexpected extra argument"):
        return (message.rstrip(".") + ".", "Quote values that contain spaces. " + help_hint)
    return (message.rstrip(".") + ".", help_hint)


def run(main: Callable[..., Any], argv: Sequence[str] | None = None) -> int:
    """Call ``main`` (a typer/click app) with ``argv`` and return the process exit code.

    Every error is printed as ``Error: … / Hint: …``; usage and input errors give 2,
    a closed output pipe 0 (like ``head``), Ctrl-C 130 and a bug in tradegap 1.
    """
    err = Console(stderr=True)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        rc = main(args=args, prog_name="tradegap", standalone_mode=False)
        return rc if isinstance(rc, int) else 0
    except SystemExit as exc:  # commands exit with 2 after printing a TradegapError
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except TradegapError as exc:
        print_error(exc.message, exc.hint or "Run `tradegap --help` for the commands and their options.",
                    console=err)
        return 2
    except _NO_ARGS as exc:
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            err.print(escape(ctx.get_help()), highlight=False, soft_wrap=True)
            err.print()
        print_error(*_usage_message(exc, args), console=err)
        return 2
    except _USAGE_ERRORS as exc:
        print_error(*_usage_message(exc, args), console=err)
        return 2
    except _CLICK_ERRORS as exc:  # FileError and other parser errors
        msg = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        print_error(msg, "Run `tradegap --help` for the commands and their options.", console=err)
        return 2
    except (KeyboardInterrupt, click_exc.Abort, typer.Abort):
        print_error("Interrupted.", "Nothing half-written was kept; run the command again.", console=err)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (`tradegap … | head`): not an error
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        except OSError:  # pragma: no cover
            pass
        return 0
    except MemoryError:
        print_error(
            "Out of memory.",
            "Ask for fewer years or countries, or free memory and run the command again.",
            console=err,
        )
        return 2
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            print_error(
                f"No space left on the device ({exc.filename or 'while writing'}).",
                "Free disk space (or write elsewhere with --db PATH) and run the command again; "
                "nothing half-written was kept.",
                console=err,
            )
            return 2
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            print_error(
                f"Permission denied: {exc.filename or exc}.",
                "Choose a path you can write to.",
                console=err,
            )
            return 2
        return _internal(exc, err)
    except Exception as exc:  # noqa: BLE001 - the boundary: a bug is reported, not dumped
        return _internal(exc, err)


def _internal(exc: BaseException, err: Console) -> int:
    if os.environ.get("TRADEGAP_DEBUG"):
        raise exc
    print_error(
        f"Internal error in tradegap: {type(exc).__name__}: {exc}",
        "This is a bug, not your input. Run again with TRADEGAP_DEBUG=1 to see the traceback, and report it.",
        console=err,
    )
    return 1
