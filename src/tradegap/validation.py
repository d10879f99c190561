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


def check_pair(a: str, b: str, where: str, *, a_given: object = None, b_given: object = None) -> tuple[str, str]:
    """``(a, b)`` after checking that the two ISO3 codes are different countries.

    ``a_given``/``b_given`` are the user's spellings, quoted in the message when given.
    """
    if a == b:
        said = f"{a_given!r} and {b_given!r} (both {a})" if a_given is not None else f"{a} twice"
        raise InputError(
            f"{where} needs two different countries. Got {said}.",
            hint="Name two different countries, e.g. IRN RUS.",
        )
    return a, b
