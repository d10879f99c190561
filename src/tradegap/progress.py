"""The one progress-callback shape of tradegap's long-running calls.

``progress(stage, done, total)``: ``stage`` says in words what is running (e.g. ``"Fitting gravity
per sector (PPML)"``, a brief section's title), ``done`` of ``total`` units are finished (steps, or
expected seconds of work for the world model's build); ``total == 0`` means the amount is not known
yet.  The brief (per section), the batch and per-sector gravity fits (per fit), the GE Monte Carlo
(per trial) and the world model's build (expected seconds) call it; faces draw it (the CLI as a
progress bar on stderr).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

__all__ = ["Progress", "report"]

#: ``progress(stage, done, total)``; ``total == 0``: unknown.  Counts are ints (steps) or floats (seconds).
Progress: TypeAlias = Callable[[str, float, float], None]


def report(progress: Progress | None, stage: str, done: float, total: float) -> None:
    """Call ``progress(stage, done, total)`` unless ``progress`` is None."""
    if progress is not None:
        progress(stage, done, total)
