"""One exception hierarchy and the typed warnings of tradegap.

Every error raised to a user is a :class:`TradegapError`; each subclass also
inherits the builtin that fits (``ValueError``, ``LookupError``, ...), so
generic ``except ValueError`` code keeps working.  Messages say what was
wrong and what to do; the hint goes on its own line starting with ``Hint:``.
"""

from __future__ import annotations


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
