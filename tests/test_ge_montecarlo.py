"""Monte Carlo over the cost coefficients' sampling distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradegap.errors import InputError
from tradegap.ge import baseline_from_frame, monte_carlo, run_scenario
from tradegap.ge.changes import Change, PairSelection

COEF = {"lndist": -0.3764, "contiguity": 0.8850, "pta": 0.4823, "common_language": 0.0392, "international": -3.4224}
SE = {"lndist": 0.072, "contiguity": 0.131, "pta": 0.109, "common_language": 0.084, "international": 0.215}


@pytest.fixture(scope="module")
def base(test_data):
    d = pd.read_csv(test_data / "ge_sample_2006.csv")
    return baseline_from_frame(d, sigma=5, reference="DEU", cost_variables=list(COEF), coefficients=COEF,
                               std_errors=SE, output="Y", expenditure="E", year=2006)


CHANGE = (Change("set", PairSelection(between=(("CAN",), ("JPN",))), variable="pta", value=1.0),)


def test_bands_bracket_the_point_estimate_and_are_reproducible(base):
    from tradegap.ge import simulate
    from tradegap.ge.changes import apply_changes

    point = simulate(base, apply_changes(base, CHANGE)).countries.set_index("country")
    mc = monte_carlo(base, CHANGE, trials=40, seed=1)
    b = mc.bands.set_index("country")
    assert mc.failed == 0 and len(mc.draws) == 40
    for col in ("exports_change_pct", "real_gdp_change_pct"):
        assert (b[f"{col}_lo"] <= b[f"{col}_hi"]).all()
        for c in ("CAN", "JPN"):
            assert b.loc[c, f"{col}_lo"] <= point.loc[c, col] <= b.loc[c, f"{col}_hi"]
    # the PTA effect is uncertain only through the pta coefficient draw: its spread matches the s.e.
    assert mc.draws["pta"].std() == pytest.approx(SE["pta"], rel=0.35)
    again = monte_carlo(base, CHANGE, trials=40, seed=1)
    pd.testing.assert_frame_equal(mc.bands, again.bands)
    assert monte_carlo(base, CHANGE, trials=10, seed=1, redraw="all").bands.shape[0] == base.n


def test_monte_carlo_validation(base):
    with pytest.raises(InputError, match="trials"):
        monte_carlo(base, CHANGE, trials=1)
    with pytest.raises(InputError, match="level"):
        monte_carlo(base, CHANGE, trials=5, level=1.5)
    from dataclasses import replace

    no_se = base.with_costs(replace(base.costs, se=None, vcov=None))
    with pytest.raises(InputError, match="standard errors"):
        monte_carlo(no_se, CHANGE, trials=5)


def test_scenario_monte_carlo_section(test_data):
    d = pd.read_csv(test_data / "ge_sample_2006.csv")
    coefs = "\n".join(f"{k} = {{ coef = {v}, se = {SE[k]} }}" for k, v in COEF.items())
    spec = f"""
name = "PTA with bands"
sigma = 5
reference = "DEU"
[data]
output = "Y"
expenditure = "E"
[coefficients]
{coefs}
[monte_carlo]
trials = 20
seed = 3
[[change]]
type = "set"
variable = "pta"
value = 1
between = [["CAN"], ["JPN"]]
"""
    seen = []
    res = run_scenario(spec, d, progress=lambda stage, done, total: seen.append((stage, done, total)))
    f = res.to_frame().set_index("country")
    assert {"real_gdp_change_pct_lo", "real_gdp_change_pct_hi"} <= set(f.columns)
    assert seen[-1] == ("Monte Carlo", 20, 20)
    assert "monte_carlo" in res.to_dict()
    assert np.isfinite(f["exports_change_pct_sd"]).all()
