"""Argument checks shared by the library and every face, with one message style.

Messages follow scikit-learn: ``The 'x' parameter of f must be …. Got … instead.``
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args

from tradegap.errors import InputError

__all__ = ["check_option", "check_pair"]


def check_option(name: str, value: object, allowed: Iterable[Any] | Any, where: str) -> None:
    """Raise :class:`InputError` unless ``value`` is one of ``allowed``.

    ``allowed`` is an iterable of values or a ``typing.Literal``.
    """
    options = list(get_args(allowed)) or list(allowed)
    if value not in options:
        raise InputError(
            f"The '{name}' parameter of {where} must be one of {options}. Got {value!r} instead.",
            hint=f"Pass one of {options}.",
        )


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
