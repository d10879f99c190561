"""Scenario files and GE options as users get them wrong: clear errors, never a traceback or a silent default.

The corpus (``tests/scenario_corpus.py``: binary, Latin-1, UTF-16, a folder, deep
nesting, ``change = [1, 2]``, ``value = "zero"``, ``monte_carlo = 5``,
``reference = "NARNIA"``, σ out of range, ...) runs through the CLI entry point in
one child process; σ and names are checked at the library's entry as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import scenario_corpus
from cli_corpus import problems, run_batch, run_exe
from tradegap.errors import InputError, UnknownCountryError
from tradegap.ge.model import check_sigma
from tradegap.ge.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_file_corpus_through_the_cli(tmp_path):
    files = scenario_corpus.make(tmp_path)
    got = run_batch([["scenario", "run", str(p)] for p in files.values()])
    bad = problems(got)
    assert not bad, f"{len(bad)} of {len(got)}:\n\n" + "\n\n".join(bad[:10])
    by = dict(zip(files, got, strict=True))
    assert all(o.rc == 2 for o in got), [(k, o.rc) for k, o in by.items() if o.rc != 2]
    for label in scenario_corpus.SILENT_WRONG:
        assert by[label].rc == 2, label
    assert "NARNIA" in by["reference_narnia"].err and "USA" not in by["reference_narnia"].err
    assert "Latin-1" in by["latin1"].err and "UTF-16" in by["utf16"].err
    assert "literature" in by["sigma_barely"].err and "1.5" in by["sigma_barely"].err


def test_one_good_scenario_still_runs(tmp_path):
    got = run_exe("scenario", "run", str(ROOT / "examples" / "trade_without_borders.toml"), "--format", "json")
    assert got.rc == 0, got.err


@pytest.mark.parametrize("sigma", [1.0000001, 1e308, 0.5, float("nan"), True, "seven", 25])
def test_sigma_outside_the_literature_band_is_refused(sigma):
    with pytest.raises(InputError, match="sigma") as info:
        check_sigma(sigma)
    assert "Head & Mayer" in str(info.value)


def test_sigma_band_edges_accepted():
    assert check_sigma(1.5) == 1.5 and check_sigma(7) == 7.0 and check_sigma(20) == 20.0


def _spec(**top) -> dict:
    d = {"name": "t", "data": {"file": "x.parquet"}, "coefficients": {"rta": 0.5},
         "change": [{"type": "set", "variable": "rta", "value": 0, "among": ["CAN", "USA"]}]}
    d.update(top)
    return d


def test_reference_and_pair_accept_names_and_refuse_unknowns():
    spec = parse_scenario(_spec(reference="Germany", pair=["Canada", "United States"]))
    assert spec.reference == "DEU" and spec.pair == ("CAN", "USA")
    with pytest.raises(InputError, match="NARNIA"):
        parse_scenario(_spec(reference="NARNIA"))
    with pytest.raises(InputError, match="two different countries"):
        parse_scenario(_spec(pair=["USA", "United States"]))


def test_scenario_commands_accept_country_names():
    from tradegap.views.scenarios import _code

    assert _code("Iran") == "IRN" and _code("russia") == "RUS" and _code("EAEU") == "EAEU" and _code("*") == "*"
    with pytest.raises(UnknownCountryError):
        _code("Narnia")


def test_world_reference_is_never_silently_replaced():
    from tradegap.views.scenarios import world_baseline

    with pytest.raises(InputError, match="reference country 'NRN' is not in the 2019 GE model"):
        world_baseline(2019, reference="NRN", sanctions=False)


def test_sigma_checked_before_the_work(monkeypatch):
    from tradegap.views import scenarios

    def boom(*a, **k):
        raise AssertionError("the baseline was built before sigma was checked")

    monkeypatch.setattr(scenarios, "world_baseline", boom)
    for call in (lambda: scenarios.run_fta("IRN", "RUS", year=2019, sigma=1.0000001),
                 lambda: scenarios.run_cost("IRN", "RUS", year=2019, sigma=1e308),
                 lambda: scenarios.run_sanctions_lifted("IRN", year=2019, sigma=0.9)):
        with pytest.raises(InputError, match="sigma"):
            call()


def test_brief_html_into_an_unwritable_path_fails_before_the_work(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    got = run_batch([["brief", "IRN", "RUS", "--html", str(blocker / "out.html")],
                     ["brief", "IRN", "RUS", "--html", str(tmp_path)],
                     ["brief", "IRN", "RUS", "--html", "/proc/tradegap/out.html"]])
    assert not problems(got)
    for o in got:
        assert o.rc == 2 and "Cannot write the HTML brief" in o.err and "Trade" not in o.out
