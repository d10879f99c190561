"""General-equilibrium counterfactuals: structural gravity with endowment economies.

Public API
----------
:func:`simulate` (baseline + new trade costs → :class:`GEResult`),
:func:`baseline_from_frame` / :func:`baseline_from_arrays` (calibrate a baseline),
:func:`parse_scenario` / :func:`run_scenario` (declarative TOML scenarios),
:func:`monte_carlo` (bands over the coefficients' sampling distribution),
:func:`pair_scenarios` (FTA, sanctions lifted and a −20% cost cut for a pair, on the shipped data).
"""

from __future__ import annotations

from tradegap.ge.api import simulate
from tradegap.ge.model import Baseline, CostStructure, baseline_from_arrays, baseline_from_frame
from tradegap.ge.montecarlo import MonteCarloResult, monte_carlo
from tradegap.ge.pair import PairScenarios, pair_scenarios, world_baseline
from tradegap.ge.results import GEResult, PairOutcome
from tradegap.ge.scenario import ScenarioResult, ScenarioSpec, calibrate, parse_scenario, run_scenario
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
