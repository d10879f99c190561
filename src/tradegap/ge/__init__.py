"""General-equilibrium counterfactuals: structural gravity with endowment economies.

Public API: :func:`simulate`, :func:`baseline_from_frame`, :func:`baseline_from_arrays`,
:func:`run_scenario`, :func:`load_scenario`, :func:`monte_carlo`, :func:`pair_scenarios`.
"""

from __future__ import annotations

from tradegap.ge.api import simulate
from tradegap.ge.model import Baseline, CostStructure, baseline_from_arrays, baseline_from_frame
from tradegap.ge.results import GEResult, PairOutcome
from tradegap.ge.solve import Diagnostics, solve, solve_mr

__all__ = [
    "Baseline",
    "CostStructure",
    "Diagnostics",
    "GEResult",
    "PairOutcome",
    "baseline_from_arrays",
    "baseline_from_frame",
    "simulate",
    "solve",
    "solve_mr",
]
