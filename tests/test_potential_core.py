"""Two-stage structural potential on the Yotov et al. (2016) chapter-1 panel (with domestic flows).

References: pyfixest 0.60 (stage 1 with a regressor, so its ``fixef()`` is reliable, on explicit
FE columns because it refuses ``^`` interactions there), and the PPML adding-up property.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tradegap.errors import CoverageError, InputError
from tradegap.potential import two_stage

COSTS = ["ln_dist", "cntg", "lang", "clny"]


@pytest.fixture(scope="module")
def panel(test_data) -> pd.DataFrame:
    d = pd.read_parquet(test_data / "yotov2016_ch1.parquet").drop(columns="pair_id")
    d = d.astype({"year": "int64", "cntg": "float64", "lang": "float64", "clny": "float64", "rta": "float64"})
    d["ln_dist"] = np.log(d["dist"])
    return d


@pytest.fixture(scope="module")
def result(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return two_stage(panel, costs=COSTS, policy=["rta"], n_draws=40, seed=1)


def test_runs_end_to_end_with_domestic_flows(result):
    spec = result.spec
    assert spec.mode == "panel"
    assert not spec.international_only  # the Yotov panel has domestic flows
    assert "border" in spec.costs
    assert spec.years == (1986, 1990, 1994, 1998, 2002, 2006)
    assert spec.nobs_stage1 > 28_000 and spec.nobs_stage2 == 69 * 69
    assert "exporter^importer" in spec.stage1_formula
    assert "anchored" in spec.normalization
    assert "bootstrap" in spec.band_method
    # RTA effect of the Guide's chapter 1 (pair FE, every 4 years): about 0.56-0.57
    assert result.stage1_coef["rta"] == pytest.approx(0.567, abs=0.01)
    assert result.coef["ln_dist"] < 0 and result.coef["border"] < 0
    f = result.flows
    ok = f["potential"].notna()
    assert ok.mean() > 0.99
    assert (f.loc[ok, "potential_lo"] <= f.loc[ok, "potential"] * (1 + 1e-9)).all()
    assert (f.loc[ok, "potential"] <= f.loc[ok, "potential_hi"] * (1 + 1e-9)).all()
    assert (f.loc[ok, "potential_hi"] > f.loc[ok, "potential_lo"]).mean() > 0.99
    np.testing.assert_allclose(f["untapped"], f["potential"] - f["actual"])
    d = result.to_dict(include_flows=False)
    assert d["spec"]["normalization"].startswith("anchored")


def test_stage1_adding_up(result):
    """PPML adding-up: within every exporter-year and importer-year group, Σ fitted = Σ actual."""
    s1 = result.stage1
    rows = s1.rows.assign(fitted=s1.fitted)[s1.in_sample]
    for keys in (["exporter", "year"], ["importer", "year"], ["exporter", "importer"]):
        g = rows.groupby(keys)[["trade", "fitted"]].sum()
        rel = (g["fitted"] - g["trade"]).abs() / g["trade"]
        assert rel.max() < 1e-6, keys


def test_potential_redistributes_each_countrys_trade(result):
    """Stage-2 adding-up: over the sample, each exporter's potential sums to its actual trade."""
    f = result.flows[result.flows["potential"].notna()]
    for key in ("exporter", "importer"):
        g = f.groupby(key)[["actual", "potential"]].sum()
        np.testing.assert_allclose(g["potential"], g["actual"], rtol=1e-6)


@pytest.fixture(scope="module")
def reference(panel):
    return _pyfixest_reference(panel)


def _pyfixest_reference(panel):
    """Stage 1 and 2 with pyfixest only (its own FE normalization), weighted stage-2 PPML."""
    pf = pytest.importorskip("pyfixest")
    d = panel.copy()
    d["ey"] = d["exporter"] + "_" + d["year"].astype(str)
    d["iy"] = d["importer"] + "_" + d["year"].astype(str)
    d["pair"] = d["exporter"] + "_" + d["importer"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f1 = pf.fepois("trade ~ rta | ey + iy + pair", d)
    fe = f1.fixef()
    pi = d["ey"].map(pd.Series(fe["C(ey)"])).astype(float).fillna(0.0)  # dropped reference level = 0
    chi = d["iy"].map(pd.Series(fe["C(iy)"])).astype(float).fillna(0.0)
    d["m"] = np.exp(pi + chi + f1.coef()["rta"] * d["rta"])
    pairs = d.groupby(["exporter", "importer"], as_index=False).agg(
        S=("m", "sum"), ln_dist=("ln_dist", "first"), cntg=("cntg", "first"), lang=("lang", "first"),
        clny=("clny", "first"),
    )
    pairs["pair"] = pairs["exporter"] + "_" + pairs["importer"]
    gam = pairs["pair"].map(pd.Series(fe["C(pair)"])).astype(float)
    trades = pairs["pair"].map(d.groupby("pair")["trade"].sum()) > 0
    # the pair level pyfixest drops as reference has effect 0; pairs that never trade have exp(effect) = 0
    pairs["g"] = np.where(trades, np.exp(gam.fillna(0.0)), 0.0)
    pairs["border"] = (pairs["exporter"] != pairs["importer"]).astype(float)
    return pf, pairs


def test_stage2_reproduces_independent_pyfixest_regression(reference, result):
    """Stage 2 = PPML of exp(pair FE) on costs, weighted by the pair's multilateral mass, fitted by pyfixest."""
    pf, pairs = reference
    pairs = pairs.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f2 = pf.fepois("g ~ ln_dist + cntg + lang + clny + border | exporter + importer", pairs, weights="S")
    ref = f2.coef()
    for k in [*COSTS, "border"]:
        assert result.coef[k] == pytest.approx(ref[k], rel=1e-4, abs=1e-6), k
    # the same regression written with an offset (outcome exp(FE) x mass) gives the HC1 standard errors
    pairs["Y"] = pairs["g"] * pairs["S"]
    pairs["ln_S"] = np.log(pairs["S"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f3 = pf.fepois("Y ~ ln_dist + cntg + lang + clny + border | exporter + importer", pairs, offset="ln_S",
                       vcov="hetero")
    for k in [*COSTS, "border"]:
        assert result.coef[k] == pytest.approx(f3.coef()[k], rel=1e-4, abs=1e-6), k
        assert result.se[k] == pytest.approx(f3.se()[k], rel=0.02), k


def test_potential_invariant_to_fixed_effect_normalization(panel, result):
    s1 = result.stage1
    rng = np.random.default_rng(7)
    ex = pd.Series(rng.normal(0, 2, s1.rows["exporter"].nunique()), index=sorted(s1.rows["exporter"].unique()))
    im = pd.Series(rng.normal(0, 2, s1.rows["importer"].nunique()), index=sorted(s1.rows["importer"].unique()))
    for renorm in (s1.renormalize(exporter=3.0, importer=-3.0), s1.renormalize(exporter=ex, importer=im, pair=-1.5)):
        # the renormalized fit has the same fitted flows ...
        ok = np.isfinite(s1.linear_index())
        np.testing.assert_allclose(renorm.linear_index()[ok], s1.linear_index()[ok], atol=1e-9)
        # ... but different fixed effects
        assert not np.allclose(renorm.exporter_year.to_numpy(), s1.exporter_year.to_numpy())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            again = two_stage(panel, costs=COSTS, policy=["rta"], n_draws=40, seed=1, stage1=renorm)
        np.testing.assert_allclose(again.flows["potential"], result.flows["potential"], rtol=1e-7)
        np.testing.assert_allclose(again.flows["ratio"], result.flows["ratio"], rtol=1e-7)
        np.testing.assert_allclose(again.coef, result.coef, rtol=1e-7)
        np.testing.assert_allclose(again.flows["potential_hi"], result.flows["potential_hi"], rtol=1e-4)


def test_unweighted_projection_would_not_be_invariant(reference):
    """Negative control: the naive stage 2 (unweighted PPML of exp(pair FE)) changes with the normalization,
    which is why tradegap anchors each pair effect; the invariance test above could therefore fail."""
    from tradegap.estimate import fepois

    _, pairs = reference
    pairs = pairs[pairs["exporter"] != pairs["importer"]]
    rng = np.random.default_rng(3)
    shift = pd.Series(rng.normal(0, 2, pairs["exporter"].nunique()), index=pairs["exporter"].unique())
    alt = pairs.assign(g=pairs["g"] * np.exp(pairs["exporter"].map(shift)))
    f = "g ~ ln_dist + cntg + lang + clny | exporter + importer"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = fepois(f, pairs, separation=("fe",)).coef
        b = fepois(f, alt, separation=("fe",)).coef
    assert abs(a["ln_dist"] - b["ln_dist"]) > 1e-3


def test_cross_section_mode_matches_pyfixest(panel):
    pf = pytest.importorskip("pyfixest")
    one = panel[(panel["year"] == 2006) & (panel["exporter"] != panel["importer"])].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = two_stage(one, costs=COSTS, n_draws=30)
        ref = pf.fepois("trade ~ ln_dist + cntg + lang + clny | exporter + importer", one)
    assert res.spec.mode == "cross_section"
    assert res.spec.international_only
    assert any("International-only" in n for n in res.spec.notes)
    for k in COSTS:
        assert res.coef[k] == pytest.approx(ref.coef()[k], rel=1e-5), k
    fitted = np.asarray(ref.predict(type="response"))
    np.testing.assert_allclose(res.flows["potential"].to_numpy(), fitted, rtol=1e-5)
    f = res.flows
    assert ((f["potential_lo"] <= f["potential"]) & (f["potential"] <= f["potential_hi"])).all()


def test_bad_input(panel):
    with pytest.raises(InputError, match="lacks column"):
        two_stage(panel.drop(columns=["cntg"]), costs=COSTS)
    with pytest.raises(InputError, match="'mode' parameter of two_stage must be one of"):
        two_stage(panel, costs=COSTS, mode="pooled")
    neg = panel.copy()
    neg.loc[5, "trade"] = -1.0
    with pytest.raises(InputError, match="non-negative"):
        two_stage(neg, costs=COSTS)
    varying = panel.copy()
    varying["ln_dist"] = varying["ln_dist"] + varying["year"] * 1e-3
    with pytest.raises(InputError, match="constant within a pair"):
        two_stage(varying, costs=COSTS)
    with pytest.raises(CoverageError):
        two_stage(panel.assign(trade=0.0), costs=COSTS)
    one = panel[panel["year"] == 2006]
    with pytest.raises(InputError, match="two years"):
        two_stage(one, costs=COSTS, mode="panel")
