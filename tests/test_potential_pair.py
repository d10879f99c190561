"""Pair-level potentials on the embedded data (BACI totals, CEPII pairs, WDI, GSDB sanctions): Iran–Russia."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tradegap.errors import CoverageError, InputError, UnknownCountryError
from tradegap.potential import decompose, size_based, structural, untapped
from tradegap.store import Store

DRAWS = 30


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    # a store file that does not exist: every query falls back to the embedded data
    return Store(tmp_path_factory.mktemp("pot") / "none.duckdb")


@pytest.fixture(scope="module")
def struct(store):
    return structural("IRN", "RUS", years=[2018, 2019], store=store, n_draws=DRAWS)


@pytest.fixture(scope="module")
def size(store, struct):
    return size_based("Iran", "Russia", years=2019, store=store, n_draws=DRAWS)


def _band_ok(t):
    assert np.isfinite(t[["actual", "potential", "potential_lo", "potential_hi", "ratio"]].to_numpy()).all()
    assert (t["potential_lo"] <= t["potential"]).all() and (t["potential"] <= t["potential_hi"]).all()
    assert (t["potential_hi"] > t["potential_lo"]).all()
    assert (t["ratio_lo"] <= t["ratio"]).all() and (t["ratio"] <= t["ratio_hi"]).all()


def _verdicts_honest(t):
    for _, r in t.iterrows():
        if r["ratio_lo"] > 1:
            assert r["verdict"] == "above potential"
        elif r["ratio_hi"] < 1:
            assert r["verdict"] == "below potential"
        else:
            assert "about at potential" in r["verdict"]


def test_structural_iran_russia(struct):
    t = struct.table
    assert set(zip(t["exporter"], t["importer"], t["year"], strict=True)) == {
        ("IRN", "RUS", 2018), ("RUS", "IRN", 2018), ("IRN", "RUS", 2019), ("RUS", "IRN", 2019)}
    _band_ok(t)
    _verdicts_honest(t)
    r = t[(t["exporter"] == "RUS") & (t["year"] == 2019)].iloc[0]
    # BACI: Russia -> Iran 1,517,062 thousand USD in 2019 (data catalogue check), in USD millions here
    assert r["actual"] == pytest.approx(1517.062, rel=1e-4)
    # sensible magnitude: within a factor of 5 of actual trade, both directions
    assert (t["ratio"].between(0.2, 5)).all()
    spec = struct.spec
    assert spec["international_only"] is True
    assert spec["sample_years"] == [2013, 2016, 2019] and spec["requested_years"] == [2018, 2019]
    assert "anchored" in spec["normalization"] and "bootstrap" in spec["band_method"]
    assert spec["nobs_stage1"] > 50_000
    assert "sanction_trade" in spec["policy"]
    coef = struct.coefficients.set_index("term")["estimate"]
    assert -1.2 < coef["ln_dist"] < -0.3 and coef["shared_sea"] > 0
    assert "structural potential" in struct.summary and "Structural potential" in struct.meaning
    json.dumps(struct.to_dict())


def test_size_based_and_gap_split(size, struct):
    t = size.table
    assert set(t["variant"]) == {"size", "size_sanctions"}
    _band_ok(t)
    _verdicts_honest(t)
    coef = size.coefficients.query("stage == 'size'").set_index("term")["estimate"]
    assert 0.6 < coef["ln_gdp_o"] < 1.1 and 0.6 < coef["ln_gdp_d"] < 1.1 and coef["ln_dist"] < 0
    g = size.gap_split
    assert len(g) == 2
    np.testing.assert_allclose(g["world_part"] + g["pair_part"], g["total_log_gap"], atol=1e-12)
    s19 = struct.table[struct.table["year"] == 2019].set_index("exporter")["potential"]
    np.testing.assert_allclose(g.set_index("exporter")["structural"].sort_index(), s19.sort_index(), rtol=1e-12)
    assert "typical economy of its size" in size.meaning
    assert "with the world" in size.summary
    json.dumps(size.to_dict())


def test_decompose(store, struct):
    d = decompose("IRN", "RUS", year=2019, store=store, n_draws=DRAWS)
    t = d.table
    assert {"ln_dist", "shared_sea", "comlang_off", "sanction_trade", "pair_residual", "year_deviation"} <= set(t["factor"])
    sea = t[(t["factor"] == "shared_sea") & (t["exporter"] == "IRN")].iloc[0]
    assert sea["value"] == 1 and sea["log_points"] > 0  # Caspian neighbours
    np.testing.assert_allclose(t["pct_of_trade"], 100 * (np.exp(t["log_points"]) - 1))
    # residual rows add up to ln(actual / structural potential) in the year
    for ex in ("IRN", "RUS"):
        rows = t[t["exporter"] == ex].set_index("factor")["log_points"]
        r = struct.table[(struct.table["exporter"] == ex) & (struct.table["year"] == 2019)]["ratio"].iloc[0]
        assert rows["pair_residual"] + rows["year_deviation"] == pytest.approx(np.log(r), abs=1e-9)
    assert "average pair" in d.reference
    json.dumps(d.to_dict())


def test_untapped(store, struct):
    u = untapped("RUS", year=2019, top=10, store=store, n_draws=DRAWS)
    t = u.table
    assert len(t) == 10 and list(t["rank"]) == list(range(1, 11))
    assert t["untapped"].is_monotonic_decreasing
    np.testing.assert_allclose(t["untapped"], t["potential"] - t["actual"])
    np.testing.assert_allclose(t["actual"], t["exports_actual"] + t["imports_actual"])
    assert "RUS" not in set(t["partner"])
    json.dumps(u.to_dict())


def test_bad_input(store):
    with pytest.raises(UnknownCountryError):
        structural("Atlantis", "RUS", store=store)
    with pytest.raises(CoverageError, match="2000–2019") as e:
        structural("IRN", "RUS", years=2021, store=store)
    assert "dots" in str(e.value)
    with pytest.raises(CoverageError, match="outside the coverage"):
        size_based("IRN", "RUS", years=[1995, 2019], store=store)
    with pytest.raises(CoverageError, match="SSD"):
        structural("SSD", "RUS", years=2019, store=store, n_draws=DRAWS)
    with pytest.raises(InputError, match="'source' parameter of structural must be one of"):
        structural("IRN", "RUS", source="comtrade", store=store)
    with pytest.raises(InputError, match="two different countries"):
        structural("IRN", "Iran", store=store)
    with pytest.raises(InputError, match="'top' parameter"):
        untapped("RUS", year=2019, top=0, store=store)


def test_stage1_adding_up_on_baci(store, struct):
    """PPML adding-up on the BACI estimation sample behind the IRN–RUS potential."""
    from tradegap.views.potential import _structural_model

    model, _ = _structural_model(store, "baci", (2013, 2016, 2019), DRAWS)
    s1 = model.stage1
    rows = s1.rows.assign(fitted=s1.fitted)[s1.in_sample]
    for keys in (["exporter", "year"], ["importer", "year"]):
        g = rows.groupby(keys)[["trade", "fitted"]].sum()
        assert ((g["fitted"] - g["trade"]).abs() / g["trade"]).max() < 1e-6, keys


def test_cross_section_mode(store, struct):
    cs = structural("IRN", "RUS", years=2019, store=store, mode="cross_section", n_draws=10)
    assert cs.spec["mode"] == "cross_section" and cs.spec["fixed_effects"] == ["exporter", "importer"]
    _band_ok(cs.table)
    panel19 = struct.table[struct.table["year"] == 2019].set_index("exporter")["potential"]
    ratio = cs.table.set_index("exporter")["potential"] / panel19
    assert ratio.between(0.5, 2).all()  # the two methods agree on the order of magnitude
    with pytest.raises(InputError, match="'mode' parameter of structural"):
        structural("IRN", "RUS", store=store, mode="pooled")
