"""General-equilibrium counterfactuals: structural gravity with endowment economies.

Public API
----------
:func:`simulate` (baseline + new trade costs → :class:`GEResult`),
:func:`baseline_from_frame` / :func:`baseline_from_arrays` (calibrate a baseline),
:func:`parse_scenario` / :func:`run_scenario` (declarative TOML scenarios),
:func:`monte_carlo` (bands over the coefficients' sampling distribution),
:func:`pair_scenarios` (FTA, sanctions lifted and a −20% cost cut for a pair, on the shipped data).

The pure GE core lives here; :func:`pair_scenarios`, :func:`world_baseline` and
:func:`run_scenario` read tradegap's data and live in :mod:`tradegap.views.scenarios`.
They are re-exported here, imported on first use, so that ``tradegap.ge`` stays the one
name users import and the core never imports the data-bound layer at load time.
"""

from __future__ import annotations

from tradegap.ge.api import simulate
from tradegap.ge.model import Baseline, CostStructure, baseline_from_arrays, baseline_from_frame
from tradegap.ge.montecarlo import MonteCarloResult, monte_carlo
from tradegap.ge.results import GEResult, PairOutcome
from tradegap.ge.scenario import ScenarioResult, ScenarioSpec, calibrate, parse_scenario
from tradegap.ge.solve import Diagnostics, solve, solve_mr

__all__ = [
    "Baseline",
    "CostStructure",
    "Diagnostics",
    "GEResult",
    "MonteCarloResult",
    "PairOutcome",
    "PairScenarios",
    "ScenarioResult",
    "ScenarioSpec",
    "baseline_from_arrays",
    "baseline_from_frame",
    "calibrate",
    "monte_carlo",
    "pair_scenarios",
    "parse_scenario",
    "run_scenario",
    "simulate",
    "solve",
    "solve_mr",
    "world_baseline",
]


def __getattr__(name: str) -> object:
    """The data-bound names, from :mod:`tradegap.views.scenarios` on first use (PEP 562)."""
    if name in _VIEW_NAMES:
        from tradegap.views import scenarios

        return getattr(scenarios, name)
    raise AttributeError(f"module 'tradegap.ge' has no attribute {name!r}")


_VIEW_NAMES = frozenset({"PairScenarios", "pair_scenarios", "run_scenario", "world_baseline"})
