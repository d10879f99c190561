"""One exception hierarchy and the typed warnings of tradegap.

Every error raised to a user is a :class:`TradegapError`; each subclass also
inherits the builtin that fits (``ValueError``, ``LookupError``, ...), so
generic ``except ValueError`` code keeps working.  Messages say what was
wrong and what to do; the hint goes on its own line starting with ``Hint:``.
"""

from __future__ import annotations

from contextvars import ContextVar, Token


class TradegapError(Exception):
    """Base class of every error tradegap raises for the user.

    Parameters
    ----------
    message
        What went wrong (which file, row, column, value).
    hint
        What to do about it; rendered on its own line as ``Hint: ...``.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\nHint: {hint}")


class InputError(TradegapError, ValueError):
    """A file, frame, formula or option given by the user is invalid."""


class DataFormatError(InputError):
    """A source file does not parse or lacks what its layout needs."""


class UnknownCountryError(TradegapError, LookupError):
    """A country name or code could not be mapped to ISO3."""


class CoverageError(TradegapError, LookupError):
    """The requested pair, country or year is not in the data."""


class ConvergenceError(TradegapError, RuntimeError):
    """An iterative solver (IRLS, demeaning, GE fixed point) did not converge."""


class StoreError(TradegapError, RuntimeError):
    """The DuckDB store could not be read or written."""


class TradegapWarning(UserWarning):
    """Base class of tradegap's warnings."""


class DroppedObservationsWarning(TradegapWarning):
    """Observations were dropped (singletons, separation, missing values)."""


class CollinearityWarning(TradegapWarning):
    """Regressors were dropped because they are collinear with others or with fixed effects."""


class AssumptionWarning(TradegapWarning):
    """A result rests on an assumption the user should know about."""


# --------------------------------------------------------------------------------------
# Hints that name what the user can type where they are
# --------------------------------------------------------------------------------------
_FACE: ContextVar[str] = ContextVar("tradegap_face", default="python")

#: Python parameter → CLI option, where the names differ.
_CLI_NAMES = {"mapping": "--map", "replace": "--replace"}


def set_face(face: str) -> Token[str]:
    """Say who reads the hints: ``"python"`` (parameters, the default) or ``"cli"`` (options).

    Returns the token that :func:`reset_face` takes to restore the previous reader.
    """
    return _FACE.set(face)


def reset_face(token: Token[str]) -> None:
    """Undo a :func:`set_face`."""
    _FACE.reset(token)


def option(name: str, value: str | None = None, *, cli: str | None = None) -> str:
    """How the user sets parameter ``name``: ``sep=';'`` in Python, ``--sep ';'`` on the command line.

    ``value`` is the Python literal; ``cli`` the command-line spelling of the value
    if it differs (``mapping`` takes a dict in Python, ``A=B,C=D`` on the command line).
    """
    if _FACE.get() == "cli":
        opt = _CLI_NAMES.get(name, "--" + name.replace("_", "-"))
        shown = cli if cli is not None else value
        if shown is None or name == "replace":
            return f"`{opt}`"
        return f"`{opt} {shown}`"
    return f"{name}={value}" if value is not None else f"{name}=..."
