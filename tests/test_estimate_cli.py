"""`tradegap estimate FILE --formula ...` through the CLI runner."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tradegap.cli import load_commands
from tradegap.cli.app import app
from tradegap.estimate import fepois

load_commands()
runner = CliRunner()

FML = "trade ~ ln_dist + cntg + lang + clny | exporter^year + importer^year"


@pytest.fixture(scope="module")
def yotov_intl(test_data) -> pd.DataFrame:
    df = pd.read_parquet(test_data / "yotov2016_ch1.parquet")
    df = df[(df.exporter != df.importer) & df.year.isin([1990, 2002])].copy()
    df["ln_dist"] = np.log(df["dist"])
    return df


def test_help():
    res = runner.invoke(app, ["estimate", "--help"])
    assert res.exit_code == 0
    assert "--formula" in res.output and "--vcov" in res.output


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta", ".csv.gz"])
def test_json_output_all_formats(yotov_intl, tmp_path, suffix):
    path = tmp_path / f"panel{suffix}"
    if suffix == ".parquet":
        yotov_intl.to_parquet(path)
    elif suffix == ".dta":
        yotov_intl.to_stata(path, write_index=False)
    else:
        yotov_intl.to_csv(path, index=False)
    res = runner.invoke(app, ["estimate", str(path), "--formula", FML, "--vcov", "cluster:pair", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = fepois(FML, yotov_intl, vcov="cluster:pair")
    assert out["nobs"] == ref.nobs
    assert set(out["dropped"]) >= {"singleton", "separation_fe", "separation_relu"}
    coefs = {c["term"]: c for c in out["coefficients"]}
    assert list(coefs) == ["ln_dist", "cntg", "lang", "clny"]
    assert coefs["ln_dist"]["estimate"] == pytest.approx(ref.coef["ln_dist"], rel=1e-9)
    assert coefs["ln_dist"]["std_error"] == pytest.approx(ref.se["ln_dist"], rel=1e-9)
    assert out["vcov"] == "CRV1 (pair_id)"


def test_table_output_and_two_way_cluster(yotov_intl, tmp_path):
    path = tmp_path / "panel.parquet"
    yotov_intl.to_parquet(path)
    res = runner.invoke(app, ["estimate", str(path), "-F", FML, "--vcov", "cluster:exporter,importer"])
    assert res.exit_code == 0, res.output
    assert "ln_dist" in res.output and "CRV1 (exporter, importer)" in res.output


def test_unparseable_file(tmp_path):
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"this is not parquet at all")
    res = runner.invoke(app, ["estimate", str(bad), "--formula", "y ~ x"])
    assert res.exit_code == 2
    assert "not a readable Parquet" in res.output
    res = runner.invoke(app, ["estimate", str(tmp_path / "nope.csv"), "--formula", "y ~ x"])
    assert res.exit_code == 2 and "no such file" in res.output
    odd = tmp_path / "data.xyz"
    odd.write_text("a,b\n1,2\n")
    res = runner.invoke(app, ["estimate", str(odd), "--formula", "a ~ b"])
    assert res.exit_code == 2 and "Cannot tell the format" in res.output


def test_bad_formula_and_vcov_are_clear_errors(yotov_intl, tmp_path):
    path = tmp_path / "panel.parquet"
    yotov_intl.to_parquet(path)
    res = runner.invoke(app, ["estimate", str(path), "--formula", "trade ~ distance | exporter"])
    assert res.exit_code == 2 and "distance" in res.output and "Hint" in res.output
    res = runner.invoke(app, ["estimate", str(path), "--formula", FML, "--vcov", "sandwich"])
    assert res.exit_code == 2 and "'vcov' parameter" in res.output


def test_threads_option_passes_through_and_bad_values_are_clear_errors(yotov_intl, tmp_path):
    path = tmp_path / "panel.parquet"
    yotov_intl.to_parquet(path)
    one = runner.invoke(app, ["estimate", str(path), "-F", FML, "--threads", "1", "--format", "json"])
    two = runner.invoke(app, ["estimate", str(path), "-F", FML, "--threads", "2", "--format", "json"])
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    c1 = {c["term"]: c["estimate"] for c in json.loads(one.stdout)["coefficients"]}
    c2 = {c["term"]: c["estimate"] for c in json.loads(two.stdout)["coefficients"]}
    assert c1 == pytest.approx(c2, rel=1e-12)
    bad = runner.invoke(app, ["estimate", str(path), "-F", FML, "--threads", "0"])
    assert bad.exit_code == 2
    assert "'threads' parameter of fepois must be an integer from 1 to" in " ".join(bad.output.split())
    assert "Traceback" not in bad.output
