"""Warnings from fits become notes on the result, never silenced.

Usage::

    notes: list[str] = []
    with collect_warnings(notes):
        res = two_stage(panel, ...)
    # notes now holds each distinct warning raised inside, e.g.
    # "Warning (DroppedObservationsWarning): 12 observations separated by fixed effects were dropped."

The warnings are recorded (not re-emitted); each distinct message is noted once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PREFIX", "collect_warnings", "is_warning_note"]

#: How a note made from a warning starts (so faces can show or pick them).
PREFIX = "Warning ("


@contextmanager
def collect_warnings(notes: list[str]) -> Iterator[list[str]]:
    """Record every warning raised in the block; append each to ``notes`` as ``"Warning (Category): message"``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield notes
    for w in caught:
        text = f"{PREFIX}{w.category.__name__}): {w.message}"
        if text not in notes:
            notes.append(text)


def is_warning_note(note: str) -> bool:
    """Whether ``note`` was made by :func:`collect_warnings`."""
    return str(note).startswith(PREFIX)
