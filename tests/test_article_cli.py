"""`tradegap read`: help, exit codes, table/json/csv output, stdin, HTML input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradegap.cli import load_commands
from tradegap.cli.app import app

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "iran-russia-ties-2022.txt"
#: The GE scenario and potential checks take tens of seconds; the CLI tests skip them (see the slow test).
FAST = ["--no-brief", "--skip", "scenario,potential,potential_size,target"]
_FAST_CHECKS = ["value", "growth", "peer", "sector", "sanctions", "contiguity", "none"]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    load_commands()
    return CliRunner()


def test_read_help(runner):
    res = runner.invoke(app, ["read", "--help"])
    assert res.exit_code == 0
    for opt in ("--year", "--html", "--format", "--fx", "--no-brief"):
        assert opt in res.output


def test_read_no_country_exits_2_with_message(runner):
    res = runner.invoke(app, ["read", str(ARTICLES / "no-country.txt")])
    assert res.exit_code == 2
    assert "No country is mentioned" in res.output
    assert "Hint:" in res.output


def test_read_missing_file_exits_2(runner, tmp_path):
    res = runner.invoke(app, ["read", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_read_bad_fx_exits_2(runner):
    res = runner.invoke(app, ["read", str(SEED), *FAST, "--fx", "EUR"])
    assert res.exit_code == 2 and "--fx" in res.output


def test_read_seed_table(runner):
    res = runner.invoke(app, ["read", str(SEED), *FAST], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "IRN–RUS" in res.output
    assert "What the article says vs what the data show" in res.output
    assert "this index can be increased considerably" in res.output
    assert "[1139–1179]" in res.output  # quoted with its character span


def test_read_seed_json_from_stdin(runner):
    res = runner.invoke(app, ["read", "-", *FAST, "--format", "json"], input=SEED.read_bytes())
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    reading = out["reading"]
    assert reading["origin"] == "<stdin>"
    assert reading["main_pair"] == ["IRN", "RUS"]
    assert reading["pair_score_rule"].startswith("score = 3")
    kinds = {c["kind"] for c in reading["claims"]}
    assert {"comparison", "sector", "sanctions", "contiguity", "potential"} <= kinds
    assert all(set(c) >= {"quote", "start", "end", "check", "verdict", "tolerance"} for c in reading["checks"])
    assert out["brief"] is None


def test_read_html_csv(runner):
    res = runner.invoke(app, ["read", str(ARTICLES / "caspian-neighbours.html"), *FAST, "--format", "csv"])
    assert res.exit_code == 0, res.output
    header = res.output.splitlines()[0]
    assert header.startswith("claim,kind,quote,start,end,check")
    assert "2 trillion rials" in res.output or "not checkable: currency IRR" in res.output


def test_read_unknown_skip_exits_2(runner):
    res = runner.invoke(app, ["read", str(SEED), "--no-brief", "--skip", "nope"])
    assert res.exit_code == 2 and "--skip" in res.output


@pytest.mark.slow
def test_read_seed_with_brief_and_html(runner, tmp_path):
    out = tmp_path / "brief.html"
    res = runner.invoke(app, ["read", str(SEED), "--html", str(out)], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "Iran – Russia: trade potential brief" in res.output
    html = out.read_text(encoding="utf-8")
    assert "What the article says vs what the data show" in html
    assert "this index can be increased considerably" in html


def test_read_json_claims_carry_what_was_claimed(runner):
    text = "MOSCOW — Russia exported $5 billion of goods to Iran in 2019, an official said."
    res = runner.invoke(app, ["read", "-", *FAST, "--format", "json"], input=text)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)["reading"]
    claim = out["claims"][0]
    assert claim["claimed"]["amount"] == 5e9 and claim["claimed"]["currency"] == "USD"
    check = out["checks"][0]
    assert check["verdict"] == "higher than data" and check["data_value"] == pytest.approx(1196.9, abs=0.05)
    assert check["source"].startswith("IMF DOTS") and check["data_year"] == 2019


def test_read_year_option_and_single_country(runner):
    text = "TEHRAN — Iran and Russia are neighbours; trade between Iran and Russia rose 5% last year."
    res = runner.invoke(app, ["read", "-", *FAST, "--year", "2019", "--format", "json"], input=text)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)["reading"]
    assert out["year"] == 2019 and "as asked" in out["year_note"]
    growth = [c for c in out["checks"] if c["check"] == "growth"][0]
    assert growth["data_year"] == 2018  # "last year" relative to --year 2019
    res = runner.invoke(app, ["read", "-", *FAST], input="Iran's economy grew. Trade rose 5% in 2019.")
    assert res.exit_code == 0, res.output
    assert "Only one country is mentioned (IRN)" in res.output


def _readme_claim_list() -> list[str]:
    """The claim lines of the README's `tradegap read` block (after its header line)."""
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```text\n\$ tradegap read (?P<cmd>[^\n]*)\n#   check[^\n]*\n(?P<body>.*?)\n```", text, re.S)
    assert m, "README has no `tradegap read` claim list"
    assert "--year 2019" in m["cmd"]
    return m["body"].split("\n")


def test_read_prints_the_verdict_lines(runner):
    from tradegap.article import read_file

    res = runner.invoke(app, ["read", str(SEED), *FAST, "--year", "2019"], terminal_width=80)
    assert res.exit_code == 0, res.output
    lines = read_file(SEED, year=2019, checks=[c for c in _FAST_CHECKS]).verdict_lines()
    assert lines and all(line in res.output.splitlines() for line in lines)
    assert all(len(line) <= 80 for line in lines)


def test_readme_claim_list_is_what_read_prints():
    """The README lists the seed's claims exactly as `tradegap read … --year 2019` prints them."""
    from tradegap.article import read_file

    assert _readme_claim_list() == read_file(SEED, year=2019).verdict_lines()


def test_read_date_option(runner, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text("Trade between Iran and Russia reached $1.7 billion.", encoding="utf-8")
    res = runner.invoke(app, ["read", str(page), "--no-brief", "--date", "2018-06-30", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)["reading"]
    assert out["published"] == "2018-06-30" and out["checks"][0]["data_year"] == 2017
    bad = runner.invoke(app, ["read", str(page), "--date", "June 2018"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
