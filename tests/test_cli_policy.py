"""The policy commands end to end: sanctions, politics, sectors — through typer's CliRunner.

Known facts are checked against the shipped data (GSDB v3 subset, UNGA votes, UNCTADstat SITC
2015) and re-checked through the library; every bad input gives ``Error:`` / ``Hint:``, exit code
2 and no traceback.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tradegap import politics, sanctions
from tradegap.cli import load_commands
from tradegap.cli.app import app

load_commands()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def no_store(monkeypatch, tmp_path):
    """Point the default store at a file that does not exist: commands use the embedded data."""
    monkeypatch.setenv("TRADEGAP_DB", str(tmp_path / "absent.duckdb"))
    return tmp_path / "absent.duckdb"


def run(runner: CliRunner, *args: str):
    return runner.invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


# ----------------------------------------------------------------------------- help
@pytest.mark.parametrize("cmd", ["sanctions", "politics", "sectors"])
def test_help(runner, cmd):
    res = run(runner, cmd, "--help")
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "Examples" in out and f"tradegap {cmd} IRN" in out and "--format" in out


# ----------------------------------------------------------------------------- sanctions
def test_sanctions_pair_json(runner):
    res = run(runner, "sanctions", "Iran", "Russia", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["a"], out["b"], out["scope"], out["coverage"]) == ("IRN", "RUS", "pair", [2013, 2022])
    assert out["years"] == list(range(2013, 2023))
    assert any("2013" in n and "2022" in n for n in out["notes"])
    # between the pair only the UN sanctions on Iran (Russia a sender as a UN member), all ended in 2016
    assert out["cases"] and all(c["relation"] == "RUS sanctions IRN" and "via UN" in c["via"] for c in out["cases"])
    assert {c["end"] for c in out["cases"]} == {2016}
    ind = out["indicator"]
    assert len(ind) == 20 and {(r["exporter"], r["importer"]) for r in ind} == {("IRN", "RUS"), ("RUS", "IRN")}
    by = {(r["exporter"], r["year"]): r for r in ind}
    assert by[("IRN", 2015)]["sanction_trade"] == 1 and by[("RUS", 2015)]["sanction_any"] == 1
    assert by[("IRN", 2019)]["sanction_any"] == 0 and by[("IRN", 2019)]["n_cases"] == 0
    # the same as the library's indicator
    lib = sanctions.indicator(years=[2015]).query("exporter == 'IRN' and importer == 'RUS'")
    assert by[("IRN", 2015)]["n_cases"] == int(lib["n_cases"].item())
    assert by[("IRN", 2015)]["sanction_trade_flow"] == int(lib["sanction_trade_flow"].item())


def test_sanctions_targets_include_us_cases(runner):
    res = run(runner, "sanctions", "IRN", "RUS", "--scope", "targets", "--format", "json")
    assert res.exit_code == 0, res.output
    cases = json.loads(res.stdout)["cases"]
    us_on_iran = [c for c in cases if c["sanctioning_state"] == "United States" and "on IRN" in c["relation"]]
    us_on_russia = [c for c in cases if c["sanctioning_state"] == "United States" and "on RUS" in c["relation"]]
    assert us_on_iran and us_on_russia
    assert any(c["begin"] <= 2019 <= c["end"] for c in us_on_iran)  # a US case on Iran still in force in 2019
    n_pair = len(json.loads(run(runner, "sanctions", "IRN", "RUS", "-f", "json").stdout)["cases"])
    assert len(cases) > n_pair


def test_sanctions_one_country_and_years_filter(runner):
    res = run(runner, "sanctions", "IRN", "--years", "2019", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["b"] is None and out["indicator"] is None
    assert out["cases"] and all(c["begin"] <= 2019 <= c["end"] for c in out["cases"])
    assert all("IRN" in c["relation"] for c in out["cases"])


def test_sanctions_table_and_outside_coverage(runner):
    res = run(runner, "sanctions", "IRN", "RUS", "--years", "2011-2016")
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "GSDB sanctions cases" in out and "Sanctions in force between IRN and RUS" in out
    assert "2013–2022" in out and "Outside the coverage: 2011–2012" in out
    assert "?" in out  # 2011, 2012 unknown
    res = run(runner, "sanctions", "IRN", "RUS", "--years", "2011-2016", "--partial", "-f", "json")
    assert res.exit_code == 0, res.output
    by = {(r["exporter"], r["year"]): r for r in json.loads(res.stdout)["indicator"]}
    assert by[("IRN", 2011)]["sanction_any"] == 1 and by[("IRN", 2011)]["covered"] is False
    assert any("lower bound" in n for n in json.loads(res.stdout)["notes"])


def test_sanctions_csv(runner):
    res = run(runner, "sanctions", "IRN", "RUS", "--format", "csv")
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("case_id,relation,") and len(lines) > 1


# ----------------------------------------------------------------------------- politics
def test_politics_json_known_value(runner):
    res = run(runner, "politics", "IRN", "RUS", "--years", "1992-2019", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["a"], out["b"], out["continuity"]) == ("IRN", "RUS", "successor")
    years = {r["year"]: r for r in out["years"]}
    assert sorted(years) == list(range(1992, 2020))
    y19 = years[2019]
    assert y19["agree"] == pytest.approx(0.79, abs=0.01)
    assert y19["s_score"] == pytest.approx(2 * y19["agree"] - 1, abs=1e-12)
    assert 1 <= y19["rank"] <= y19["n_partners"] and 0 <= y19["percentile"] <= 100
    lib = politics.alignment("IRN", "RUS", years=[2019]).table.iloc[0]
    assert y19["agree"] == pytest.approx(lib["agree"]) and y19["rank"] == lib["rank"]
    assert not any("USSR" in n for n in out["notes"])  # no year before 1992 asked


def test_politics_continuity_note_table(runner):
    res = run(runner, "politics", "Iran", "Russia", "--years", "1985-1995")
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "UN General Assembly vote agreement, IRN and RUS" in out
    assert "1985" in out and "1995" in out and "USSR" in out
    res = run(runner, "politics", "IRN", "RUS", "--years", "1985-1995", "--continuity", "strict", "-f", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert min(r["year"] for r in out["years"]) == 1992
    assert any("strict" in n and "SUN" in n for n in out["notes"])


# ----------------------------------------------------------------------------- sectors
def test_sectors_no_fit_json(runner):
    res = run(runner, "sectors", "IRN", "RUS", "--no-fit", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["a"], out["b"], out["year"], out["scheme"]) == ("IRN", "RUS", 2015, "sitc_section")
    assert (out["unit"], out["scale"]) == ("USD", "millions")
    assert any("aerospace" in n.lower() for n in out["notes"])
    secs = {s["sector"]: s for s in out["sectors"]}
    assert len(secs) == 10
    # Iran's exports to Russia are mostly food (SITC 0) in 2015
    assert max(secs, key=lambda k: secs[k]["a_to_b"]) == "sitc0"
    assert sum(s["pair_composition"] for s in secs.values()) == pytest.approx(1.0)
    assert all(s["predicted_a_to_b"] is None for s in secs.values())


def test_sectors_table_notes(runner):
    res = run(runner, "sectors", "IRN", "RUS", "--scheme", "sitc", "--no-fit")
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "trade by sector, 2015" in out and "Aerospace" in out and "--no-fit" in out


def test_sectors_bad_scheduler_is_a_clear_error(runner):
    res = run(runner, "sectors", "IRN", "RUS", "--scheduler", "threads")
    assert res.exit_code == 2
    out = flat(res.output)
    assert "'scheduler' parameter of fit_batch must be one of ['serial', 'processes', 'dask']" in out
    assert "Traceback" not in res.output
    res = run(runner, "sectors", "IRN", "RUS", "--scheduler", "tcp://nohost")
    assert res.exit_code == 2 and "tcp://HOST:PORT" in flat(res.output)


@pytest.mark.slow
def test_sectors_fit_predicted_vs_actual_embedded(runner):
    """One gravity fit per SITC section on the shipped data, all countries; ~20 s on 2 cores."""
    res = run(runner, "sectors", "IRN", "RUS", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    secs = {s["sector"]: s for s in out["sectors"]}
    for s in secs.values():
        assert s["predicted_a_to_b"] > 0 and s["predicted_b_to_a"] > 0
        assert s["ratio_a_to_b"] == pytest.approx(s["a_to_b"] / s["predicted_a_to_b"])
    dist = [c for c in out["coefficients"] if c["term"] == "ln_dist"]
    assert len(dist) == 10 and all(c["estimate"] < 0 for c in dist)  # trade falls with distance
    # table mode reuses the fits cached in this process
    res = run(runner, "sectors", "IRN", "RUS")
    assert res.exit_code == 0, res.output
    assert "act/pred" in res.output and "Actual vs gravity prediction" in flat(res.output)


BACI_CODES = """country_code,country_name,country_iso2,country_iso3
364,"Iran",IR,IRN
643,"Russian Federation",RU,RUS
842,"USA",US,USA
276,"Germany",DE,DEU
"""
BACI_ROWS = """t,i,j,k,v,q
2019,643,364,880240,5000.0,1
2019,643,364,841112,700.0,1
2019,643,364,100110,150000.0,1
2019,364,643,080610,9000.0,1
2019,842,276,880240,90000.0,1
2019,276,842,300490,40000.0,1
2019,276,364,300490,800.0,1
"""


def test_sectors_high_tech_from_ingested_hs(runner, tmp_path):
    """HS6 rows in a store: aerospace (HS 88 + aircraft engines 8411) becomes a sector of its own."""
    from tradegap.store import Store

    (tmp_path / "country_codes_V202401.csv").write_text(BACI_CODES)
    f = tmp_path / "BACI_HS17_Y2019_V202401.csv"
    f.write_text(BACI_ROWS)
    db = tmp_path / "hs.duckdb"
    with Store(db) as s:
        s.ingest("baci", [f])
    args = ["sectors", "IRN", "RUS", "--source", "baci", "--db", db, "--no-fit"]
    res = run(runner, *args, "--scheme", "high_tech", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["year"], out["scheme"], out["scale"]) == (2019, "high_tech", "millions")
    aero = next(x for x in out["sectors"] if x["sector"] == "ht_aerospace")
    assert (aero["b_to_a"], aero["a_to_b"]) == (5.7, 0.0)  # 880240 + 841112, RUS→IRN, USD millions
    assert aero["world_composition"] == pytest.approx(95700.0 / (95700.0 + 40800.0))
    assert not any("cannot be isolated" in n for n in out["notes"])
    res = run(runner, *args)  # default scheme for HS data: HS sections
    assert res.exit_code == 0, res.output
    assert "hs_section" in res.output and "Vegetable products" in res.output


SYNTH = ["IRN", "RUS", "USA", "DEU", "CHN", "IND", "TUR", "FRA"]
SYNTH_CODES = {"IRN": 364, "RUS": 643, "USA": 842, "DEU": 276, "CHN": 156, "IND": 356, "TUR": 792, "FRA": 250}


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory):
    """A small store: 8 countries, every ordered pair trading aircraft, medicines and wheat (HS6)."""
    import numpy as np

    from tradegap.store import Store

    folder = tmp_path_factory.mktemp("synth")
    (folder / "country_codes_V202401.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        + "".join(f'{SYNTH_CODES[c]},"{c}",{c[:2]},{c}\n' for c in SYNTH)
    )
    rng = np.random.default_rng(7)
    rows = ["t,i,j,k,v,q"]
    for i in SYNTH:
        for j in SYNTH:
            if i != j:
                for k in ("880240", "300490", "100110"):
                    rows.append(f"2019,{SYNTH_CODES[i]},{SYNTH_CODES[j]},{k},{rng.uniform(10, 1000):.1f},1")
    f = folder / "BACI_HS17_Y2019_V202401.csv"
    f.write_text("\n".join(rows) + "\n")
    db = folder / "synth.duckdb"
    with Store(db) as s:
        s.ingest("baci", [f])
    return db


def test_sectors_fit_on_store(runner, synth_store):
    """Gravity per high-tech group on a small HS6 store: predicted vs actual, serial = Dask threads."""
    args = ["sectors", "IRN", "RUS", "--source", "baci", "--scheme", "high_tech", "--db", synth_store]
    res = run(runner, *args, "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    secs = {x["sector"]: x for x in out["sectors"]}
    assert sorted(secs) == ["ht_aerospace", "ht_pharmacy"]  # wheat is not high-tech
    for x in secs.values():
        assert x["predicted_a_to_b"] > 0 and x["predicted_b_to_a"] > 0
        assert x["ratio_a_to_b"] == pytest.approx(x["a_to_b"] / x["predicted_a_to_b"])
        assert x["ratio_b_to_a"] == pytest.approx(x["b_to_a"] / x["predicted_b_to_a"])
    assert {c["sector"] for c in out["coefficients"]} == set(secs)
    assert all(c["nobs"] == 56 for c in out["coefficients"])  # 8 × 7 ordered pairs
    res = run(runner, *args, "--scheduler", "dask", "--workers", "2", "--format", "json")
    assert res.exit_code == 0, res.output
    threaded = {x["sector"]: x for x in json.loads(res.stdout)["sectors"]}
    for k, x in secs.items():
        assert threaded[k]["predicted_a_to_b"] == pytest.approx(x["predicted_a_to_b"], rel=1e-9)
    res = run(runner, *args)
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "Actual vs gravity prediction" in out and "act/pred" in out and "Aerospace" in out


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["sanctions", "Narnia", "RUS"], "Narnia"),
        (["sanctions", "IRN", "Atlantis"], "Atlantis"),
        (["politics", "IRN", "Narnia"], "Narnia"),
        (["sectors", "Narnia", "RUS", "--no-fit"], "Narnia"),
        (["sanctions", "IRN", "Iran"], "Both countries"),
        (["sanctions", "IRN", "RUS", "--years", "20x9"], "Could not read the years"),
        (["politics", "IRN", "RUS", "--years", "2030"], "1946–2019"),
        (["sectors", "IRN", "RUS", "--year", "2019", "--no-fit"], "2015 only"),
        (["sectors", "IRN", "RUS", "--scheme", "hs_section", "--no-fit"], "cannot be built from SITC"),
    ],
)
def test_bad_input_exit_2(runner, args, words):
    res = run(runner, *args)
    assert res.exit_code == 2, res.output
    out = flat(res.output)
    assert "Error:" in out and words in out
    assert "Hint:" in out and "Traceback" not in out
    assert isinstance(res.exception, SystemExit)


@pytest.mark.parametrize(
    "args", [["sanctions", "IRN", "--scope", "world"], ["sectors", "IRN", "RUS", "--scheme", "nace"]]
)
def test_bad_choice_is_usage_error(runner, args):
    res = run(runner, *args)
    assert res.exit_code == 2 and "Invalid value" in res.output
