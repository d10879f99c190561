"""CLI: ``tradegap brief``, ``potential`` and ``untapped`` (help, output shape, errors)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tradegap import brief as B
from tradegap.cli import load_commands
from tradegap.cli.app import app

load_commands()
runner = CliRunner()


@pytest.mark.parametrize("cmd", ["brief", "potential", "untapped"])
def test_help(cmd):
    r = runner.invoke(app, [cmd, "--help"])
    assert r.exit_code == 0, r.output
    assert "Examples" in r.output and "--format" in r.output


def test_brief_json_shape(monkeypatch, tmp_path):
    from test_brief import install_fakes

    install_fakes(monkeypatch)
    html = tmp_path / "out" / "b.html"
    r = runner.invoke(app, ["brief", "IRN", "RUS", "--year", "2019", "--format", "json", "--html", str(html)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["a"] == "IRN" and d["b"] == "RUS" and d["year"] == 2019 and d["unit"] == "USD millions"
    keys = [s["key"] for s in d["sections"]]
    assert keys[0] == "summary" and keys[-1] == "method" and "potential" in keys
    for s in d["sections"]:
        assert {"key", "title", "status", "text", "table", "chart", "sources"} <= set(s)
    assert d["html"] == str(html) and html.exists()
    assert 'id="chart-history"' in html.read_text(encoding="utf-8")


def test_brief_table_output(monkeypatch):
    from test_brief import install_fakes

    install_fakes(monkeypatch, fail=("sectors",))
    r = runner.invoke(app, ["brief", "IRN", "RUS"])
    assert r.exit_code == 0, r.output
    assert "Trade potential: structural and size-based" in r.output
    assert "synthetic failure of sectors" in r.output
    assert "USD millions" in r.output


def test_brief_csv_refused():
    r = runner.invoke(app, ["brief", "IRN", "RUS", "--format", "csv"])
    assert r.exit_code == 2
    assert "no CSV form" in r.output


def test_brief_unknown_country():
    r = runner.invoke(app, ["brief", "Atlantis", "RUS"])
    assert r.exit_code == 2
    assert "Error:" in r.output and "Traceback" not in r.output


def test_potential_json_shape(monkeypatch):
    from test_brief import install_fakes

    install_fakes(monkeypatch)
    r = runner.invoke(app, ["potential", "IRN", "RUS", "--year", "2019", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["year"] == 2019 and d["unit"] == "USD millions"
    assert [(x["exporter"], x["importer"]) for x in d["directions"]] == [("IRN", "RUS"), ("RUS", "IRN")]
    for x in d["directions"]:
        assert x["actual"] > 0
        for m in ("structural", "size_based"):
            assert {"potential", "lower", "upper", "ratio", "untapped"} <= set(x[m])
            assert x[m]["lower"] <= x[m]["potential"] <= x[m]["upper"]
            assert x[m]["ratio"] == pytest.approx(x["actual"] / x[m]["potential"])
    assert set(d["specification"]) == {"structural", "size_based"}


def test_potential_year_without_estimate(monkeypatch):
    from test_brief import install_fakes

    install_fakes(monkeypatch)
    r = runner.invoke(app, ["potential", "IRN", "RUS", "--year", "1995"])
    assert r.exit_code == 2
    assert "1995" in r.output and "Hint:" in r.output


def test_potential_one_measure_failing_is_reported(monkeypatch):
    from test_brief import install_fakes

    install_fakes(monkeypatch, fail=("size_based",))
    r = runner.invoke(app, ["potential", "IRN", "RUS", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert "size_based" in d["errors"] and "structural" in d["directions"][0]
    assert "size_based" not in d["directions"][0]


def test_pair_potential_frame(monkeypatch):
    from test_brief import install_fakes

    install_fakes(monkeypatch, ratio_ab=1.2)
    res = B.pair_potential("IRN", "RUS", year=2019)
    f = res.to_frame()
    assert list(f["measure"]) == ["structural", "structural", "size_based", "size_based"]
    assert "no untapped trade" in res.sentences[0]


def test_console_entry_point_exit_code():
    """Through the real entry point (not CliRunner): a user error reaches the shell as exit code 2."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src"
    res = subprocess.run(
        [sys.executable, "-c", "from tradegap.cli import main; main()", "brief", "Atlantis", "RUS"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(src)},
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Atlantis" in res.stderr and "Traceback" not in res.stderr


def test_untapped_calls_library_and_renders(monkeypatch):
    import pandas as pd

    import tradegap.cli.world_cmds as W
    import tradegap.world as P

    seen = {}

    class Ranking:
        country, year, notes = "RUS", 2018, ("a note",)

        def to_frame(self):
            return pd.DataFrame({"rank": [1, 2], "partner": ["USA", "IRN"], "actual": [10.0, 1.0],
                                 "potential": [20.0, 3.0], "untapped": [10.0, 2.0], "ratio": [0.5, 1 / 3]})

        def to_dict(self):
            return {"country": "RUS", "year": 2018, "table": self.to_frame().to_dict(orient="records")}

    def fake(country, *, year, top, store):
        seen.update(country=country, year=year, top=top)
        return Ranking()

    monkeypatch.setattr(P, "untapped", fake)
    monkeypatch.setattr(W, "prepare_world", lambda store, year: None)  # no world model build in this test
    r = runner.invoke(app, ["untapped", "RUS", "--top", "2", "--year", "2018", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert seen == {"country": "RUS", "year": 2018, "top": 2}
    assert json.loads(r.stdout)["table"][1]["partner"] == "IRN"
    r = runner.invoke(app, ["untapped", "RUS", "--top", "2"])
    assert r.exit_code == 0 and "a note" in r.output and "IRN" in r.output
    assert runner.invoke(app, ["untapped", "RUS", "--top", "0"]).exit_code == 2
