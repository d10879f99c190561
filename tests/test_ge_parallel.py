"""GE at scale: BLAS threads pinned around the solver; Monte Carlo draws on worker processes."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

import tradegap.ge.solve  # noqa: F401  (the module, shadowed by the function in tradegap.ge)
from tradegap.errors import InputError
from tradegap.ge import baseline_from_frame, monte_carlo
from tradegap.ge.changes import Change, PairSelection

COEF = {"lndist": -0.3764, "contiguity": 0.8850, "pta": 0.4823, "common_language": 0.0392, "international": -3.4224}
SE = {"lndist": 0.072, "contiguity": 0.131, "pta": 0.109, "common_language": 0.084, "international": 0.215}
solve_mod = sys.modules["tradegap.ge.solve"]
CHANGE = (Change("set", PairSelection(between=(("CAN",), ("JPN",))), variable="pta", value=1.0),)


@pytest.fixture(scope="module")
def base(test_data):
    d = pd.read_csv(test_data / "ge_sample_2006.csv")
    return baseline_from_frame(d, sigma=5, reference="DEU", cost_variables=list(COEF), coefficients=COEF,
                               std_errors=SE, output="Y", expenditure="E", year=2006)


def _blas_threads() -> list[int]:
    return [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]


def test_solver_runs_on_one_blas_thread_and_restores_the_setting(base, monkeypatch):
    before = _blas_threads()
    seen = []
    real = solve_mod._solve_mr

    def spy(*a, **k):
        seen.append(_blas_threads())
        return real(*a, **k)

    monkeypatch.setattr(solve_mod, "_solve_mr", spy)
    sol = solve_mod.solve(base, base.trade_costs())
    assert sol.diagnostics.converged and seen
    assert all(t == [1] * len(t) for t in seen)
    assert _blas_threads() == before
    seen.clear()
    solve_mod.solve(base, base.trade_costs(), blas_threads=None)
    assert all(t == before for t in seen)


def test_bad_blas_threads_is_a_clear_error(base):
    with pytest.raises(InputError, match="'blas_threads' parameter must be a positive integer"):
        solve_mod.solve(base, base.trade_costs(), blas_threads=0)


def test_monte_carlo_on_two_processes_equals_serial(base):
    serial = monte_carlo(base, CHANGE, trials=12, seed=4)
    par = monte_carlo(base, CHANGE, trials=12, seed=4, workers=2)
    assert par.failed == serial.failed == 0
    pd.testing.assert_frame_equal(par.bands, serial.bands, check_exact=False, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(par.draws.to_numpy(), serial.draws.to_numpy())


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])
def test_bad_workers_is_a_clear_error(base, bad):
    with pytest.raises(InputError, match="'workers' parameter of monte_carlo must be an int greater than or equal to 1"):
        monte_carlo(base, CHANGE, trials=4, workers=bad)
