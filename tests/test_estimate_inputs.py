"""Bad input and option validation for fepois: each a clear, typed error."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _estimate_helpers import gravity_panel

from tradegap.errors import CollinearityWarning, ConvergenceError, DroppedObservationsWarning, InputError
from tradegap.estimate import fepois, parse_formula, parse_vcov

FML = "trade ~ rta + ldist | exporter^year + importer^year"


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return gravity_panel(10, 2, seed=9)


def test_nan_outcome_is_an_error_unless_dropped(df):
    d = df.copy()
    d.loc[[3, 7], "trade"] = np.nan
    with pytest.raises(InputError, match=r"Missing values.*'trade': 2 \(first at row 3\)") as exc:
        fepois(FML, d)
    assert "missing='drop'" in str(exc.value)
    with pytest.warns(DroppedObservationsWarning, match="2 missing"):
        res = fepois(FML, d, missing="drop")
    assert res.dropped["missing"] == 2 and not res.sample[3] and np.isnan(res.fitted[3])


def test_infinite_outcome(df):
    d = df.copy()
    d.loc[5, "trade"] = np.inf
    with pytest.raises(InputError, match=r"infinite value.*row 5"):
        fepois(FML, d)


def test_negative_outcome(df):
    d = df.copy()
    d.loc[4, "trade"] = -1.0
    with pytest.raises(InputError, match=r"negative value.*row 4: -1.0"):
        fepois(FML, d)


def test_all_zero_outcome(df):
    with pytest.raises(InputError, match="zero in every one"):
        fepois(FML, df.assign(trade=0.0))


def test_regressor_constant_within_fe_is_dropped_with_warning(df):
    d = df.assign(gdp_exp=df.groupby(["exporter", "year"])["x2"].transform("mean"))
    with pytest.warns(CollinearityWarning, match="gdp_exp"):
        res = fepois("trade ~ rta + gdp_exp | exporter^year + importer^year", d)
    assert res.collinear == ("gdp_exp",) and list(res.coef.index) == ["rta"]


def test_all_regressors_collinear_gives_fe_only_fit(df):
    with pytest.warns(CollinearityWarning):
        res = fepois("trade ~ year | exporter^year + importer^year", df)
    assert res.coef.empty


def test_missing_column_named(df):
    with pytest.raises(InputError, match=r"no column\(s\) 'distance'") as exc:
        fepois("trade ~ distance | exporter", df)
    assert "Available columns" in str(exc.value)
    with pytest.raises(InputError, match="'origin'"):
        fepois("trade ~ rta | origin^year", df)
    with pytest.raises(InputError, match="cluster variable 'region'"):
        fepois(FML, df, vcov="cluster:region")


def test_non_numeric_regressor(df):
    with pytest.raises(InputError, match="not numeric"):
        fepois("trade ~ exporter", df)


@pytest.mark.parametrize(
    "bad",
    ["trade", "trade ~", "trade ~ rta | ", "trade ~ rta | exp|imp", "trade ~ rta + + ldist", "trade ~ rta*ldist",
     "~ rta", "trade ~ rta ~ x", "trade ~ 0"],
)
def test_unparseable_formula(bad):
    with pytest.raises(InputError, match="Cannot parse the formula"):
        parse_formula(bad)


def test_formula_grammar():
    f = parse_formula("trade ~ ln_dist + log(gdp) | exporter^year + importer^year + exporter^importer")
    assert f.terms == ("ln_dist", "log(gdp)")
    assert f.fixef == ("exporter^year", "importer^year", "exporter^importer")
    assert not f.intercept
    assert parse_formula("y ~ x").intercept and not parse_formula("y ~ 0 + x").intercept
    assert not parse_formula("y ~ x - 1").intercept
    fe_only = parse_formula("y ~ 1 | a + b")
    assert fe_only.terms == () and fe_only.fixef == ("a", "b")
    assert fe_only.columns() == ["y", "a", "b"]


def test_vcov_registry_aliases():
    assert parse_vcov("HC1").kind == "hc1" and parse_vcov("hetero").kind == "hc1"
    assert parse_vcov("iid").kind == "iid"
    assert parse_vcov("cluster:pair").clusters == ("pair",)
    assert parse_vcov("cluster:exporter,importer").clusters == ("exporter", "importer")
    assert parse_vcov({"CRV1": "exporter+importer"}).clusters == ("exporter", "importer")
    with pytest.raises(InputError, match=r"The 'vcov' parameter of fepois must be one of .* Got 'hc9' instead"):
        parse_vcov("hc9")
    with pytest.raises(InputError):
        parse_vcov("cluster:a,b,c")


def test_option_validation(df):
    with pytest.raises(InputError, match=r"'separation' parameter of fepois must be a subset"):
        fepois(FML, df, separation=("fe", "magic"))
    with pytest.raises(InputError, match=r"'missing' parameter of fepois must be one of \['raise', 'drop'\]"):
        fepois(FML, df, missing="ignore")
    with pytest.raises(InputError, match=r"'tol' parameter of fepois must be a positive number. Got -1"):
        fepois(FML, df, tol=-1)
    with pytest.raises(InputError, match="'maxiter'"):
        fepois(FML, df, maxiter=2.5)
    with pytest.raises(InputError, match="'data' parameter"):
        fepois(FML, [1, 2, 3])


def test_non_convergence_raises_with_hint(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConvergenceError, match="did not converge in 2 iterations") as exc:
            fepois(FML, df, maxiter=2)
    assert "Increase maxiter" in str(exc.value)


def test_negative_weights(df):
    with pytest.raises(InputError, match="non-negative"):
        fepois(FML, df.assign(w=-df.w), weights="w")


def test_zero_weights_dropped(df):
    d = df.copy()
    d.loc[:9, "w"] = 0.0
    with pytest.warns(DroppedObservationsWarning, match="zero weight"):
        res = fepois(FML, d, weights="w")
    assert res.dropped["zero_weight"] == 10


def test_singletons_dropped_and_counted(df):
    d = pd.concat([df, df.iloc[[0]].assign(exporter="SOLO")], ignore_index=True)
    with pytest.warns(DroppedObservationsWarning, match="singleton"):
        res = fepois("trade ~ rta | exporter + importer^year", d)
    assert res.dropped["singleton"] == 1 and not res.sample[-1]


def test_arrow_table_input(df):
    pa = pytest.importorskip("pyarrow")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = fepois(FML, pa.Table.from_pandas(df))
        b = fepois(FML, df)
    np.testing.assert_allclose(a.coef.to_numpy(), b.coef.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("func_name", ["fepois", "fepois_arrays"])
def test_every_parameter_documented(func_name):
    import inspect

    import tradegap.estimate as est

    func = getattr(est, func_name)
    doc = inspect.getdoc(func)
    params_section = doc.split("Parameters\n----------\n", 1)[1].split("\nReturns\n", 1)[0]
    documented = set()
    for line in params_section.splitlines():
        if line and not line.startswith(" "):
            documented.update(p.strip() for p in line.split(","))
    for name in inspect.signature(func).parameters:
        assert name in documented or "Other parameters" in documented, f"{func_name}: {name} undocumented"


def test_documented_defaults_match_signature():
    import inspect

    sig = inspect.signature(fepois).parameters
    assert sig["vcov"].default == "hc1" and sig["tol"].default == 1e-10
    assert sig["separation"].default == ("fe", "simplex", "relu")
    assert sig["missing"].default == "raise"
    doc = inspect.getdoc(fepois)
    assert '``"hc1"`` (default' in doc and '``"raise"`` (default)' in doc
