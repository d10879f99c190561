"""The one progress-callback shape of tradegap's long-running calls.

``progress(stage, done, total)``: ``stage`` says in words what is running (e.g. ``"Fitting gravity
per sector (PPML)"``, a brief section's title), ``done`` of ``total`` steps are finished;
``total == 0`` means the number of steps is not known yet.  The brief (per section), the per-sector
gravity fits (per sector) and the GE Monte Carlo (per trial) call it; faces draw it (the CLI as a
progress bar on stderr).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

__all__ = ["Progress", "report"]

#: ``progress(stage, done, total)``; ``total == 0``: unknown.
Progress: TypeAlias = Callable[[str, int, int], None]


def report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    """Call ``progress(stage, done, total)`` unless ``progress`` is None."""
    if progress is not None:
        progress(stage, done, total)
