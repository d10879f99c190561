"""Mirror reconciliation (tradegap.data.reconcile)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradegap.data.reconcile import reconcile
from tradegap.data.schema import BASES, FLOW_COLUMNS
from tradegap.errors import InputError


def _reports():
    # RUS reports exports to IRN (IRN no longer reports); DEU and RUS both report DEU←RUS.
    return pd.DataFrame(
        {
            "reporter": ["RUS", "RUS", "DEU", "RUS", "IRN"],
            "partner": ["IRN", "DEU", "RUS", "IRN", "RUS"],
            "year": [2019, 2019, 2019, 1998, 1998],
            "flow": ["export", "export", "import", "export", "import"],
            "value": [1196.9, 25000.0, 26500.0, 300.0, 320.0],
        }
    )


def test_importer_cif_preferred_exporter_fob_otherwise():
    out = reconcile(_reports())
    assert list(out.columns) == list(FLOW_COLUMNS)
    assert set(out["basis"]) <= set(BASES)
    idx = out.set_index(["exporter", "importer", "year"])
    assert idx.loc[("RUS", "IRN", 2019), "value"] == pytest.approx(1196.9)
    assert idx.loc[("RUS", "IRN", 2019), "basis"] == "exporter_fob"
    assert idx.loc[("RUS", "DEU", 2019), "value"] == 26500.0
    assert idx.loc[("RUS", "DEU", 2019), "basis"] == "importer_cif"
    # 1998: Iran still reported its imports
    assert idx.loc[("RUS", "IRN", 1998), "value"] == 320.0
    assert idx.loc[("RUS", "IRN", 1998), "basis"] == "importer_cif"
    assert len(out) == 3
    assert not out.duplicated(["exporter", "importer", "year", "product"]).any()


def test_cif_fob_adjustment_only_on_mirrors():
    out = reconcile(_reports(), cif_fob=1.10).set_index(["exporter", "importer", "year"])
    assert out.loc[("RUS", "IRN", 2019), "value"] == pytest.approx(1196.9 * 1.10)
    assert out.loc[("RUS", "IRN", 2019), "basis"] == "exporter_fob_adj"
    assert out.loc[("RUS", "DEU", 2019), "value"] == 26500.0


def test_missing_import_report_value_falls_back_to_export():
    r = _reports()
    r.loc[2, "value"] = np.nan  # DEU import report missing
    out = reconcile(r).set_index(["exporter", "importer", "year"])
    assert out.loc[("RUS", "DEU", 2019), "value"] == 25000.0
    assert out.loc[("RUS", "DEU", 2019), "basis"] == "exporter_fob"


def test_comtrade_flow_codes_and_products():
    r = pd.DataFrame(
        {"reporter": ["USA", "CAN", "USA"], "partner": ["CAN", "USA", "CAN"],
         "year": [2020] * 3, "flow": ["X", "M", "X"], "product": ["01", "01", "02"],
         "value": [10.0, 11.0, 5.0]}
    )
    out = reconcile(r, unit="USD", scale="units", source="comtrade")
    assert out[["product", "value", "basis"]].values.tolist() == [
        ["01", 11.0, "importer_cif"], ["02", 5.0, "exporter_fob"]]
    assert set(out["source"]) == {"comtrade"} and set(out["scale"]) == {"units"}


def test_identical_duplicates_collapse_conflicting_raise():
    r = pd.concat([_reports(), _reports().iloc[[0]]])
    assert len(reconcile(r)) == 3
    r2 = _reports()
    r2 = pd.concat([r2, r2.iloc[[0]].assign(value=5.0)])
    with pytest.raises(InputError, match="twice with different values"):
        reconcile(r2)


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda r: r.drop(columns="flow"), "missing column"),
        (lambda r: r.assign(flow="re-export"), "unknown flow"),
        (lambda r: r.assign(value=-1.0), "negative value"),
    ],
)
def test_bad_input(mutate, match):
    with pytest.raises(InputError, match=match):
        reconcile(mutate(_reports()))


@pytest.mark.parametrize("factor", [0.9, float("nan")])
def test_bad_factor(factor):
    with pytest.raises(InputError, match="'cif_fob' parameter"):
        reconcile(_reports(), cif_fob=factor)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_C = ["AAA", "BBB", "CCC"]


@settings(max_examples=60, deadline=None)
@given(st.lists(
    st.tuples(st.sampled_from(_C), st.sampled_from(_C), st.sampled_from([2018, 2019]),
              st.sampled_from(["import", "export"]), st.floats(0, 1e6)),
    max_size=30, unique_by=lambda t: t[:4]))
def test_reconcile_properties(rows):
    rows = [r for r in rows if r[0] != r[1]]
    r = pd.DataFrame(rows, columns=["reporter", "partner", "year", "flow", "value"])
    out = reconcile(r)
    # one value per exporter, importer, year
    assert not out.duplicated(["exporter", "importer", "year"]).any()
    imports = {(p, rep, y): v for rep, p, y, f, v in rows if f == "import"}
    exports = {(rep, p, y): v for rep, p, y, f, v in rows if f == "export"}
    assert len(out) == len(set(imports) | set(exports))
    for e, i, y, v, b in out[["exporter", "importer", "year", "value", "basis"]].itertuples(index=False):
        if (e, i, y) in imports:  # the importer's report always wins
            assert (v, b) == (imports[(e, i, y)], "importer_cif")
        else:
            assert (v, b) == (exports[(e, i, y)], "exporter_fob")
