"""The Advanced Guide ch. 2 replications (examples/), the scenario CLI and pair scenarios."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tradegap.cli import app, load_commands
from tradegap.ge import run_scenario

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name: str):
    spec = tomllib.loads((EXAMPLES / name).read_text())
    data = pd.read_parquet(EXAMPLES / spec["data"]["file"])
    return spec, data


@pytest.fixture(scope="module")
def borders():
    spec, data = _load("trade_without_borders.toml")
    return run_scenario(spec, data)


def test_trade_without_borders_matches_guide_estimates(borders):
    """Coefficients of the Guide's Stata log (TradeWithoutBorder.log, ppml with exporter/importer FE)."""
    c = borders.coefficients.set_index("variable")["coef"]
    assert c["ln_DIST"] == pytest.approx(-0.7912879, abs=1e-6)
    assert c["CNTG"] == pytest.approx(0.6736456, abs=1e-6)
    assert c["INTL_BRDR"] == pytest.approx(-2.47445, abs=1e-5)
    f = borders.result.countries.set_index("country")
    assert len(f) == 69
    # removing borders raises every country's exports and real GDP
    assert (f["exports_change_pct"] > 0).all()
    assert (f["real_gdp_change_pct"] > 0).all()
    assert f.loc["DEU", "imr_change_pct"] == pytest.approx(0.0, abs=1e-10)  # reference country
    assert borders.result.diagnostics.converged


@pytest.fixture(scope="module")
def nafta():
    spec, data = _load("nafta_effects.toml")
    return run_scenario(spec, data)


def test_nafta_removal_matches_guide_stage1(nafta):
    """Guide: RTA = 0.557 with N = 28,482 (RTAsEffects.log)."""
    c = nafta.coefficients.set_index("variable")
    assert c.loc["rta", "coef"] == pytest.approx(0.557, abs=5e-4)
    notes = " ".join(nafta.result.assumptions)
    assert "N = 28482" in notes
    assert "14 unidentified pair fixed effects" in notes


def test_nafta_effects_direction(nafta):
    """Reported as effects *of* NAFTA (baseline vs no-NAFTA counterfactual): members gain, others lose a little."""
    r = nafta.result
    assert r.direction == "baseline_vs_counterfactual"
    f = r.countries.set_index("country")
    for m in ("CAN", "MEX", "USA"):
        assert f.loc[m, "exports_change_pct"] > 10
        assert f.loc[m, "real_gdp_change_pct"] > 0
    others = f.drop(index=["CAN", "MEX", "USA"])
    assert (others["cond_exports_change_pct"] < 0).mean() > 0.9
    assert r.pair is not None and r.pair.trade_change_pct > 30
    changed = r.pairs.loc[r.pairs["cost_change_pct"].abs() > 0]
    assert len(changed) == 6


GUIDE = Path(__file__).resolve().parent / "data" / "yotov2016_ch2_guide_results.csv"


@pytest.mark.parametrize("app_name", ["nafta", "trade_without_borders"])
def test_guide_ch2_per_country_results(app_name, nafta, borders):
    """Every country's export and real-GDP change against the Guide's own result files.

    Conditional GE is a single constrained PPML in the Guide: equal to 1e-4 percentage points.
    Full endowment GE: the Guide stops iterating when the *signed* largest change of factory-gate
    prices between two iterations is below 0.01; its last step still moved some price by
    ``last_price_step`` (NAFTA 0.0066, borders 0.020, from its logs).  tradegap solves to the fixed
    point, so the two agree to what that step leaves: exports (∝ p^(1-σ)) within (σ-1)·step in
    log points, real GDP within one step.
    """
    res = {"nafta": nafta, "trade_without_borders": borders}[app_name].result
    g = pd.read_csv(GUIDE)
    g = g[g["application"] == app_name].set_index("country")
    ours = res.countries.set_index("country").loc[g.index]
    assert len(g) == 69 and res.direction == g["direction"].iloc[0]
    assert np.abs(ours["cond_exports_change_pct"] - g["cond_exports_change_pct"]).max() < 1e-4
    step = float(g["last_price_step"].iloc[0])
    dx = np.abs(np.log1p(ours["exports_change_pct"] / 100) - np.log1p(g["exports_change_pct"] / 100))
    dg = np.abs(np.log1p(ours["real_gdp_change_pct"] / 100) - np.log1p(g["real_gdp_change_pct"] / 100))
    assert dx.max() <= (res.sigma - 1) * step
    assert dg.max() <= step
    if app_name == "nafta":  # the figures quoted in examples/README.md
        assert g.loc["MEX", "exports_change_pct"] == pytest.approx(43.51, abs=0.01)
        assert ours.loc["MEX", "exports_change_pct"] == pytest.approx(42.87, abs=0.01)
        assert np.abs(ours["exports_change_pct"] - g["exports_change_pct"]).max() < 0.75
        assert np.abs(ours["real_gdp_change_pct"] - g["real_gdp_change_pct"]).max() < 0.04


def test_nafta_example_is_the_guides_1994_experiment_titled_by_what_it_reports(nafta):
    spec = tomllib.loads((EXAMPLES / "nafta_effects.toml").read_text())
    assert spec["year"] == 1994 and nafta.result.year == 1994
    assert spec["name"].startswith("Effects of NAFTA") and "with NAFTA vs without" in spec["name"]
    assert "Removing" not in spec["name"]


@pytest.fixture(scope="module")
def runner():
    load_commands()
    return CliRunner()


@pytest.mark.parametrize("cmd", [[], ["fta"], ["sanctions-lifted"], ["cost"], ["run"]])
def test_scenario_help(runner, cmd):
    r = runner.invoke(app, ["scenario", *cmd, "--help"])
    assert r.exit_code == 0, r.output
    assert "Usage" in r.output


def test_cli_run_example_json(runner):
    r = runner.invoke(app, ["scenario", "run", str(EXAMPLES / "trade_without_borders.toml"), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    rows = {row["country"]: row for row in d["countries"]}
    assert len(rows) == 69
    assert rows["NPL"]["real_gdp_change_pct"] > 50
    assert {"exports_change_pct", "real_gdp_change_pct", "imr_change_pct", "omr_change_pct",
            "factory_price_change_pct"} <= set(rows["USA"])
    assert d["coefficients"][2]["variable"] == "INTL_BRDR"


def test_cli_run_csv_and_table(runner, tmp_path):
    spec = (EXAMPLES / "trade_without_borders.toml").read_text().replace(
        'file = "data/', f'file = "{EXAMPLES.as_posix()}/data/'
    )
    f = tmp_path / "s.toml"
    f.write_text(spec)
    r = runner.invoke(app, ["scenario", "run", str(f), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].startswith("country,exports_change_pct")
    r = runner.invoke(app, ["scenario", "run", str(f), "--top", "3"])
    assert r.exit_code == 0
    assert "Trade without borders" in r.output


def test_cli_errors(runner, tmp_path):
    r = runner.invoke(app, ["scenario", "run", str(tmp_path / "missing.toml")])
    assert r.exit_code == 2
    f = tmp_path / "bad.toml"
    f.write_text((EXAMPLES / "trade_without_borders.toml").read_text().replace('variable = "INTL_BRDR"',
                                                                               'variable = "BORDER"'))
    (tmp_path / "data").mkdir()
    for p in (EXAMPLES / "data").iterdir():
        (tmp_path / "data" / p.name).write_bytes(p.read_bytes())
    r = runner.invoke(app, ["scenario", "run", str(f)])
    assert r.exit_code == 2
    assert "BORDER" in r.output
    r = runner.invoke(app, ["scenario", "run", str(EXAMPLES / "trade_without_borders.toml"), "--sigma", "0.5"])
    assert r.exit_code == 2
    assert "sigma" in r.output


@pytest.mark.slow
def test_cli_cost_and_pair_scenarios(runner):
    r = runner.invoke(app, ["scenario", "cost", "IRN", "RUS", "--change", "-20%", "--year", "2019",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["pair"]["trade_change_pct"] > 0
    r = runner.invoke(app, ["scenario", "fta", "IRN", "XXX", "--year", "2019"])
    assert r.exit_code == 2
    from tradegap.ge import pair_scenarios

    ps = pair_scenarios("IRN", "RUS", year=2019, members="EAEU")
    f = ps.to_frame().set_index("scenario")
    assert set(f.index) == {"fta", "sanctions_lifted", "cost_-20%"}
    assert f.loc["fta", "pair_trade_change_pct"] > 0
    assert f.loc["cost_-20%", "pair_trade_change_pct"] > 0
    c = ps.coefficients.set_index("variable")
    assert "estimated" in c.loc["fta", "source"] and "N = " in c.loc["fta", "source"]
    assert any("18% of 2019" in n for n in ps.results["fta"].assumptions)  # the EAEU-Iran interim FTA
    assert "estimated" in c.loc["sanction", "source"]
    assert any("GDP" in a and "domestic" in a for a in ps.assumptions)
    json.dumps(ps.to_dict(), default=float)


def test_exact_full_ge_agrees_with_independent_root_solve(test_data):
    """Independent check of the 'exact' full endowment GE: the whole system (MRs with updated
    output/expenditure shares and the market-clearing price equation) solved by scipy's hybr."""
    from scipy.optimize import root

    from tradegap.ge import baseline_from_frame
    from tradegap.ge.solve import solve

    coef = {"lndist": -0.3764, "contiguity": 0.8850, "pta": 0.4823, "common_language": 0.0392,
            "international": -3.4224}
    d = pd.read_csv(test_data / "ge_sample_2006.csv")
    b = baseline_from_frame(d, sigma=5, reference="DEU", cost_variables=list(coef), coefficients=coef,
                            output="Y", expenditure="E", year=2006)
    k = b.costs.index("pta")
    x = b.costs.x[k].copy()
    i, j = b.position("CAN"), b.position("JPN")
    x[i, j] = x[j, i] = 1
    t1 = b.costs.with_x(k, x).trade_costs()
    ours = solve(b, t1)
    n, ref, s = b.n, b.ref_index, 1 - b.sigma
    Y, E = b.output, b.expenditure
    keep = np.arange(n) != ref
    om0 = ours.baseline.omr_pow

    def f(z):
        lp = np.zeros(n)
        lp[keep] = z[: n - 1]
        lq = z[n - 1 : 2 * n - 1]
        p = np.exp(z[2 * n - 1 :])
        y1, e1 = p * Y, (E / Y) * p * Y
        ys, es = y1 / y1.sum(), e1 / e1.sum()
        P, Q = np.exp(lp), np.exp(lq)
        r1 = (P - (t1 * ys[:, None] / Q[:, None]).sum(axis=0))[keep]
        r2 = Q - (t1 * es[None, :] / P[None, :]).sum(axis=1)
        r3 = p**s - p * (Y.sum() / y1.sum()) * om0 / Q
        return np.concatenate([r1, r2, r3])

    z0 = np.concatenate([np.log(ours.conditional.imr_pow[keep]), np.log(ours.conditional.omr_pow), np.zeros(n)])
    sol = root(f, z0, method="hybr", tol=1e-14)
    assert np.max(np.abs(f(sol.x))) < 1e-10
    np.testing.assert_allclose(np.exp(sol.x[2 * n - 1 :]), ours.price, rtol=1e-8)
    np.testing.assert_allclose(np.exp(sol.x[n - 1 : 2 * n - 1]), ours.full.omr_pow, rtol=1e-8)
