"""Argument checks shared by the library and every face, with one message style.

Messages follow scikit-learn: ``The 'x' parameter of f must be …. Got … instead.``
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any, TypeVar, get_args

from tradegap.errors import InputError

__all__ = ["check_number", "check_option", "check_pair"]

T = TypeVar("T")


def check_option(name: str, value: T, allowed: Iterable[Any] | Any, where: str, *, hint: str | None = None) -> T:
    """``value`` after checking that it is one of ``allowed`` (:class:`InputError` otherwise).

    ``allowed`` is an iterable of values or a ``typing.Literal``.  Booleans are told apart from
    ``0``/``1`` (``check_option("fit", 1, (True, False), ...)`` fails).
    """
    options = list(get_args(allowed)) or list(allowed)
    if value not in options or _bool_mismatch(value, options):
        raise InputError(
            f"The '{name}' parameter of {where} must be one of {options}. Got {value!r} instead.",
            hint=hint or f"Pass one of {options}.",
        )
    return value


def _is_bool(value: object) -> bool:
    return type(value).__name__ in ("bool", "bool_")  # numpy's bool without importing numpy


def _bool_mismatch(value: object, options: list[Any]) -> bool:
    """``True == 1``: a bool given for non-bool options, or an int for bool options."""
    flags = [_is_bool(o) for o in options]
    if all(flags):
        return not _is_bool(value)
    return not any(flags) and _is_bool(value)


def check_number(name: str, value: Any, where: str, *, integer: bool = False, low: float | None = None,
                 high: float | None = None, low_open: bool = False, high_open: bool = False,
                 hint: str | None = None) -> Any:
    """``value`` (an int, or a float unless ``integer``) after checking it lies within the bounds.

    ``low``/``high`` bound the value (inclusive unless ``low_open``/``high_open``); ``None`` leaves
    that side open.  Booleans, NaN and non-numbers fail.  The message names the parameter, the
    function, the accepted range and the received value (scikit-learn's template).
    """
    kind = "an int" if integer else "a number"
    limits = []
    if low is not None:
        limits.append(f"{'greater than' if low_open else 'greater than or equal to'} {low:g}")
    if high is not None:
        limits.append(f"{'less than' if high_open else 'less than or equal to'} {high:g}")
    ok = isinstance(value, Integral if integer else Real) and not _is_bool(value)
    if ok:
        v = float(value)
        ok = not math.isnan(v) and (
            (low is None or (v > low if low_open else v >= low))
            and (high is None or (v < high if high_open else v <= high))
        )
    if not ok:
        raise InputError(
            f"The '{name}' parameter of {where} must be {kind}{' ' + ' and '.join(limits) if limits else ''}."
            f" Got {value!r} instead.",
            hint=hint,
        )
    return value


def check_pair(a: str, b: str, where: str, *, given: tuple[object, object] | None = None,
               hint: str | None = None) -> tuple[str, str]:
    """``(a, b)`` after checking that the two ISO3 codes are different countries.

    ``given`` holds the user's spellings, quoted in the message; ``hint`` replaces the default hint.
    """
    if a == b:
        said = f" ({given[0]!r} and {given[1]!r})" if given is not None and given[0] != given[1] else ""
        raise InputError(
            f"Both countries are {a}{said}: {where} needs two different countries.",
            hint=hint or "Name two different countries, e.g. IRN RUS.",
        )
    return a, b
