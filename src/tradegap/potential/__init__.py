"""Trade potential: how much more could two countries trade.

* :func:`two_stage` — the pure two-stage structural core on any gravity panel (e.g. Yotov ch. 1).
* :func:`structural` — a pair's structural potential on tradegap's data (BACI or DOTS).
* :func:`size_based` — the pair's potential if each country traded like a typical economy of its size,
  with the split of the gap into "trades little with the world" and "trades little with each other".
* :func:`decompose` — the pair's normal trade cost by factor, and its own residual.
* :func:`untapped` — partners of one country ranked by untapped potential.

:func:`two_stage` and its parts are the pure core; the pair functions read tradegap's data
and live in :mod:`tradegap.views.potential`, re-exported here on first use (PEP 562) so the
core never imports the data-bound layer at load time.
"""

from __future__ import annotations

from tradegap.potential.core import Specification, Stage1Fit, TwoStageResult, fit_stage1, project, two_stage
from tradegap.potential.results import GapDecomposition, Potential, UntappedRanking

__all__ = [
    "COVERAGE",
    "GapDecomposition",
    "Potential",
    "Specification",
    "Stage1Fit",
    "TwoStageResult",
    "UntappedRanking",
    "clear_cache",
    "decompose",
    "fit_stage1",
    "project",
    "size_based",
    "structural",
    "two_stage",
    "untapped",
]


def __getattr__(name: str) -> object:
    """The data-bound names, from :mod:`tradegap.views.potential` on first use (PEP 562)."""
    if name in _VIEW_NAMES:
        from tradegap.views import potential

        return getattr(potential, name)
    raise AttributeError(f"module 'tradegap.potential' has no attribute {name!r}")


_VIEW_NAMES = frozenset({"COVERAGE", "clear_cache", "decompose", "size_based", "structural", "untapped"})
