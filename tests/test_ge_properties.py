"""Theory-based properties of the GE solver, and its error paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradegap.errors import ConvergenceError, InputError, UnknownCountryError
from tradegap.ge import baseline_from_arrays, baseline_from_frame, parse_scenario, run_scenario, simulate, solve_mr
from tradegap.ge.results import modeled_trade
from tradegap.ge.solve import solve

COEF = {"lndist": -0.3764, "contiguity": 0.8850, "pta": 0.4823, "common_language": 0.0392, "international": -3.4224}


@pytest.fixture(scope="module")
def sample(test_data):
    return pd.read_csv(test_data / "ge_sample_2006.csv")


@pytest.fixture(scope="module")
def base(sample):
    return baseline_from_frame(sample, sigma=5, reference="DEU", cost_variables=list(COEF), coefficients=COEF,
                               output="Y", expenditure="E", year=2006)


def _scaled(b, i, j, factor):
    t = b.trade_costs().copy()
    t[i, j] *= factor ** (1 - b.sigma)
    return t


@pytest.mark.parametrize("convention", ["exact", "gegravity"])
def test_no_change_gives_zero_changes(base, convention):
    r = simulate(base, base.trade_costs(), convention=convention)
    pct = r.countries.drop(columns="country").to_numpy()
    assert np.abs(pct).max() < 1e-9
    assert np.abs(r.pairs["trade_change_pct"]).max() < 1e-9


@pytest.mark.parametrize("convention", ["exact", "gegravity"])
def test_doubling_a_pair_cost_lowers_its_trade(base, convention):
    i, j = base.position("CAN"), base.position("USA")
    r = simulate(base, _scaled(base, i, j, 2.0), convention=convention)
    row = r.pairs.query("exporter == 'CAN' and importer == 'USA'").iloc[0]
    assert row["trade_change_pct"] < -50  # t^(1-sigma) falls by 2^-4; MR effects cannot undo that
    assert row["cond_trade_change_pct"] < -50
    other = r.pairs.query("exporter == 'USA' and importer == 'CAN'").iloc[0]
    assert abs(other["trade_change_pct"]) < abs(row["trade_change_pct"])


def test_uniform_cost_cut_raises_world_real_gdp(base):
    """Theory: a pure reduction of international trade costs raises real GDP (welfare) in the world."""
    t = base.trade_costs().copy()
    off = ~np.eye(base.n, dtype=bool)
    t[off] *= 0.9 ** (1 - base.sigma)
    r = simulate(base, t)
    assert r.world_real_gdp_change_pct() > 0
    assert (r.countries["real_gdp_change_pct"] > 0).all()
    assert (r.countries["exports_change_pct"] > 0).all()
    # and a uniform cost increase lowers it
    t2 = base.trade_costs().copy()
    t2[off] *= 1.1 ** (1 - base.sigma)
    assert simulate(base, t2).world_real_gdp_change_pct() < 0


def test_exact_full_ge_clears_markets(base):
    """At the exact solution, model flows add up to counterfactual output and expenditure,
    and factory-gate prices satisfy p_i^(1-sigma) = (Y'_i/Y') / (gamma_i Pi'_i)^(1-sigma)."""
    i, j = base.position("CAN"), base.position("JPN")
    t1 = _scaled(base, i, j, 0.7)
    sol = solve(base, t1)
    X1 = modeled_trade(t1, sol.output, sol.expenditure, sol.full.imr_pow, sol.full.omr_pow)
    np.testing.assert_allclose(X1.sum(axis=0), sol.expenditure, rtol=1e-10)
    np.testing.assert_allclose(X1.sum(axis=1), sol.output * sol.expenditure.sum() / sol.output.sum(), rtol=1e-10)
    Y0 = base.output
    gamma = (Y0 / Y0.sum()) / sol.baseline.omr_pow  # gamma_i^(1-sigma) with baseline p = 1
    lhs = sol.price ** (1 - base.sigma)
    rhs = (sol.output / sol.output.sum()) / (gamma * sol.full.omr_pow)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10)
    assert sol.full.imr_pow[base.ref_index] == pytest.approx(1.0, abs=1e-14)


def test_additive_deficits_keep_deficits(base):
    i, j = base.position("CAN"), base.position("JPN")
    sol = solve(base, _scaled(base, i, j, 0.7), deficits="additive")
    np.testing.assert_allclose(sol.expenditure - sol.output, base.expenditure - base.output, rtol=1e-10, atol=1e-6)
    with pytest.raises(InputError, match="multiplicative"):
        solve(base, base.trade_costs(), convention="gegravity", deficits="additive")


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(3, 7),
    seed=st.integers(0, 10_000),
    cut=st.floats(0.5, 0.95),
)
def test_random_baselines(n, seed, cut):
    rng = np.random.default_rng(seed)
    t = np.exp(rng.normal(-3, 1, (n, n)))
    np.fill_diagonal(t, 1.0)
    y = rng.uniform(1, 100, n)
    e = y * rng.uniform(0.8, 1.2, n)
    b = baseline_from_arrays([f"C{k}" for k in range(n)], t, y, e, sigma=6, reference="C0")
    zero = simulate(b, t)
    assert np.abs(zero.countries.drop(columns="country").to_numpy()).max() < 1e-8
    t1 = t.copy()
    t1[1, 2] *= cut ** (1 - 6)
    r = simulate(b, t1)
    assert r.pairs.query("exporter == 'C1' and importer == 'C2'")["trade_change_pct"].item() > 0
    assert r.world_real_gdp_change_pct() > -1e-9


# ---------------------------------------------------------------- errors


def test_sigma_must_exceed_one(sample):
    for bad in (1, 0.5, -2, float("nan")):
        with pytest.raises(InputError, match="sigma"):
            baseline_from_frame(sample, sigma=bad, reference="DEU", cost_variables=list(COEF), coefficients=COEF,
                                output="Y", expenditure="E")
    with pytest.raises(InputError, match="greater than 1"):
        parse_scenario('sigma = 1\n[coefficients]\npta = 0.5\n[[change]]\ntype = "set"\nvariable = "pta"\n'
                       'value = 1\namong = ["CAN", "JPN"]\n')


def test_non_convergence_raises_with_advice(base):
    with pytest.raises(ConvergenceError, match="did not converge") as exc:
        solve_mr(base.trade_costs(), base.output / base.output.sum(), base.expenditure / base.expenditure.sum(),
                 base.ref_index, tol=0.0, max_iter=5)
    assert "Hint:" in str(exc.value)
    i, j = base.position("CAN"), base.position("JPN")
    with pytest.raises(ConvergenceError, match="full endowment GE did not converge"):
        solve(base, _scaled(base, i, j, 0.5), max_iter=1)


def test_zero_cost_country_is_an_input_error(base):
    t = base.trade_costs().copy()
    t[3, :] = 0.0
    with pytest.raises(InputError, match="zero trade costs"):
        simulate(base, t)


def test_unknown_reference_country(sample):
    with pytest.raises(UnknownCountryError, match="reference country 'XXX'"):
        baseline_from_frame(sample, sigma=5, reference="XXX", cost_variables=list(COEF), coefficients=COEF,
                            output="Y", expenditure="E")


SCEN = """
name = "test"
year = 2006
sigma = 5
reference = "DEU"
[data]
output = "Y"
expenditure = "E"
[coefficients]
lndist = -0.3764
contiguity = 0.8850
pta = 0.4823
common_language = 0.0392
international = -3.4224
"""


def test_scenario_unknown_country(sample):
    spec = SCEN + '[[change]]\ntype = "set"\nvariable = "pta"\nvalue = 1\nbetween = [["CAN"], ["ATLANTIS"]]\n'
    with pytest.raises(UnknownCountryError, match="ATLANTIS"):
        run_scenario(spec, sample)


def test_scenario_unknown_variable(sample):
    spec = SCEN + '[[change]]\ntype = "set"\nvariable = "fta_deep"\nvalue = 1\namong = ["CAN", "JPN"]\n'
    with pytest.raises(InputError, match="no trade-cost variable 'fta_deep'") as exc:
        run_scenario(spec, sample)
    assert "pta" in str(exc.value)  # the hint lists the known variables
    bad_coef = SCEN.replace("pta = 0.4823", "pta = 0.4823\nwto = 0.1")
    spec2 = bad_coef + '[[change]]\ntype = "set"\nvariable = "pta"\nvalue = 1\namong = ["CAN", "JPN"]\n'
    with pytest.raises(InputError, match="no variable 'wto'"):
        run_scenario(spec2, sample)


def test_scenario_validation_messages():
    with pytest.raises(InputError, match="Unknown key"):
        parse_scenario('colour = "red"\n' + SCEN)
    with pytest.raises(InputError, match="no \\[\\[change\\]\\]"):
        parse_scenario(SCEN)
    with pytest.raises(InputError, match="'convention' parameter of scenario must be one of"):
        parse_scenario('convention = "magic"\n' + SCEN + '[[change]]\ntype = "scale"\npercent = -10\ninternational = true\n')
    with pytest.raises(InputError, match="only one pair selection"):
        parse_scenario(SCEN + '[[change]]\ntype = "scale"\npercent = -10\ninternational = true\namong = ["A", "B"]\n')
    with pytest.raises(InputError, match="not valid TOML"):
        parse_scenario("name = ")


def test_scenario_scale_and_groups(sample):
    """'scale' multiplies t_ij by (1 + p/100); groups expand to present members."""
    spec = 'pair = ["CAN", "USA"]\n' + SCEN + '[[change]]\ntype = "scale"\npercent = -20\nbetween = [["CAN"], ["NAFTA"]]\n'
    r = run_scenario(spec, sample).result
    pc = r.pairs.set_index(["exporter", "importer"])["cost_change_pct"]
    assert pc[("CAN", "USA")] == pytest.approx(100 * (0.8 ** (1 - 5) - 1))
    assert pc[("USA", "CAN")] == pytest.approx(100 * (0.8 ** (1 - 5) - 1))
    assert pc[("USA", "MEX")] == 0.0
    assert r.pair is not None and r.pair.trade_change_pct > 0
    assert r.pair.ratio_after > r.pair.ratio_before
    assert any("MEX" in a for a in r.assumptions) or "MEX" in r.pairs["exporter"].to_numpy()


def test_inverted_direction(sample):
    spec = SCEN + '[[change]]\ntype = "set"\nvariable = "pta"\nvalue = 1\nbetween = [["CAN"], ["JPN"]]\n'
    fwd = run_scenario(spec, sample).result
    inv = run_scenario('direction = "baseline_vs_counterfactual"\n' + spec, sample).result
    a = fwd.countries.set_index("country")["real_gdp_change_pct"]
    b = inv.countries.set_index("country")["real_gdp_change_pct"]
    np.testing.assert_allclose((1 + a / 100) * (1 + b / 100), 1.0, rtol=1e-12)


def test_baseline_from_ppml_fit(sample):
    """Coefficients of a tradegap.estimate PPML fit become the trade-cost index."""
    from tradegap.estimate import fepois
    from tradegap.ge.model import baseline_from_fit

    fit = fepois("trade ~ lndist + contiguity + pta + common_language + international | exporter + importer",
                 sample, vcov="hc1")
    b = baseline_from_fit(fit, sample, sigma=7, reference="DEU",
                          cost_variables=list(COEF))
    np.testing.assert_allclose(b.costs.coef, fit.coef[list(COEF)].to_numpy())
    assert b.costs.se is not None and np.all(b.costs.se > 0)
    # Y and E are trade sums (domestic included); by PPML's adding-up property the structural
    # model with these costs reproduces the fitted flows exactly (GEPPML, Fally 2015)
    r = simulate(b, b.trade_costs())
    fitted = pd.Series(fit.predict(sample), index=pd.MultiIndex.from_frame(sample[["exporter", "importer"]]))
    model = r.pairs.set_index(["exporter", "importer"])["trade_baseline"]
    np.testing.assert_allclose(model.to_numpy(), fitted.reindex(model.index).to_numpy(), rtol=1e-6)
    with pytest.raises(InputError, match="no coefficient"):
        baseline_from_fit(fit, sample, sigma=7, reference="DEU", cost_variables=["wto"])
