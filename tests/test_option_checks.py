"""Every public library entry point that takes an option refuses a bad one the same way.

One helper (:mod:`tradegap.validation`) words the message after scikit-learn:
``The 'x' parameter of f must be …. Got … instead.``; the error is an ``InputError``, hence a
``ValueError``.  Each case below passes one bad option and checks the template, the parameter
named, and that no work was done first (the checks run before any data is read).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from tradegap import coverage, measure, politics, sanctions, sectors
from tradegap.brief import pair_brief
from tradegap.countries import group_members, to_iso3_many
from tradegap.data import embedded
from tradegap.errors import InputError
from tradegap.estimate import fepois
from tradegap.ge.api import simulate
from tradegap.ge.model import baseline_from_arrays
from tradegap.ge.montecarlo import monte_carlo
from tradegap.ge.scenario import parse_scenario
from tradegap.views import potential, scenarios
from tradegap.views import sectors as sector_view

TEMPLATE = re.compile(r"^The '(?P<name>\w+)' parameter of (?P<where>[\w.\[\]]+) must (be|hold) .+\. Got .+ instead\.$")


def _baseline():
    t = np.array([[1.0, 0.2], [0.2, 1.0]])
    return baseline_from_arrays(["A", "B"], t, [1.0, 1.0], [1.0, 1.0], sigma=7, reference="A"), t


def _simulate(**kw):
    b, t = _baseline()
    return simulate(b, t, **kw)


def _monte_carlo(**kw):
    b, _ = _baseline()
    return monte_carlo(b, [], **kw)


_FLOWS = pd.DataFrame(columns=["exporter", "importer", "year", "sector", "value"])
_SCENARIO = 'sigma = {}\n[coefficients]\npta = 0.5\n[[change]]\ntype = "set"\nvariable = "pta"\nvalue = 1\namong = ["CAN", "JPN"]\n'

CASES = [
    # measure
    ("source", lambda: measure.trade("IRN", "RUS", source="nosuch")),
    ("years", lambda: measure.trade("IRN", "RUS", years=object())),
    ("year", lambda: measure.peers("IRN", "RUS", year="2019")),
    ("n", lambda: measure.peers("IRN", "RUS", year=2019, n=0)),
    ("source", lambda: measure.peers("IRN", "RUS", year=2019, source="nosuch")),
    # politics
    ("continuity", lambda: politics.alignment("IRN", "RUS", continuity="loose")),
    ("issues", lambda: politics.alignment("IRN", "RUS", issues=["xx"])),
    ("years", lambda: politics.alignment("IRN", "RUS", years=[object()])),
    ("continuity", lambda: politics.panel(continuity="loose")),
    # sanctions
    ("scope", lambda: sanctions.between("IRN", "RUS", scope="world")),
    ("partial", lambda: sanctions.between("IRN", "RUS", partial="yes")),
    ("years", lambda: sanctions.between("IRN", "RUS", years=object())),
    ("scope", lambda: sanctions.cases("IRN", scope="all")),
    ("include_un", lambda: sanctions.indicator(include_un=1)),
    ("before_coverage", lambda: sanctions.attach(pd.DataFrame(), before_coverage="zero")),
    # sectors
    ("scheme", lambda: sectors.sectors("nace")),
    ("scheme", lambda: sectors.sector_table("nace")),
    ("classification", lambda: sectors.classify(["0101"], scheme="hs_section", classification="cpa")),
    ("scheduler", lambda: sectors.fit_sectors(_FLOWS, pd.DataFrame(), scheduler="gpu")),
    ("scheme", lambda: sector_view.pair_sectors("IRN", "RUS", scheme="nace")),
    ("classification", lambda: sector_view.pair_sectors("IRN", "RUS", classification="cpa")),
    ("fit", lambda: sector_view.pair_sectors("IRN", "RUS", fit=1)),
    # GE
    ("convention", lambda: _simulate(convention="approx")),
    ("deficits", lambda: _simulate(deficits="none")),
    ("trials", lambda: _monte_carlo(trials=1)),
    ("level", lambda: _monte_carlo(level=1.5)),
    ("redraw", lambda: _monte_carlo(redraw="some")),
    ("sigma", lambda: parse_scenario(_SCENARIO.format(1))),
    ("sigma", lambda: scenarios.world_baseline(2019, sigma=1.0)),
    ("sanctions", lambda: scenarios.world_baseline(2019, sanctions="yes")),
    ("sigma", lambda: scenarios.pair_scenarios("IRN", "RUS", year=2019, sigma=0.5)),
    ("cost_change", lambda: scenarios.pair_scenarios("IRN", "RUS", year=2019, cost_change=-100)),
    ("sigma", lambda: scenarios.run_fta("IRN", "RUS", year=2019, sigma=float("nan"))),
    ("sigma", lambda: scenarios.run_sanctions_lifted("IRN", year=2019, sigma=1)),
    ("percent", lambda: scenarios.run_cost("IRN", "RUS", year=2019, percent=-150)),
    # potential
    ("source", lambda: potential.structural("IRN", "RUS", source="comtrade")),
    ("mode", lambda: potential.structural("IRN", "RUS", mode="pooled")),
    ("n_draws", lambda: potential.structural("IRN", "RUS", n_draws=-1)),
    ("years", lambda: potential.size_based("IRN", "RUS", years=[object()])),
    ("n_draws", lambda: potential.decompose("IRN", "RUS", n_draws=2.5)),
    ("top", lambda: potential.untapped("IRN", top=0)),
    # brief
    ("sections", lambda: pair_brief("IRN", "RUS", sections=["nope"])),
    ("year", lambda: pair_brief("IRN", "RUS", year=1066)),
    # estimation (its own check at the API edge, same template)
    ("vcov", lambda: fepois("y ~ x", pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [0.0, 1.0, 2.0]}), vcov="hc9")),
    # foundation and data
    ("source", lambda: to_iso3_many(["IRN"], source="iso9")),
    ("aggregates", lambda: to_iso3_many(["IRN"], aggregates="keep")),
    ("group", lambda: group_members("EFTA")),
    ("dataset", lambda: coverage.dataset("comtrade")),
    ("name", lambda: embedded.load("nosuch")),
]


@pytest.mark.parametrize(("name", "call"), CASES, ids=[f"{k}-{n}" for k, (n, _) in enumerate(CASES)])
def test_bad_option_message(name, call):
    with pytest.raises(InputError) as info:
        call()
    err = info.value
    assert isinstance(err, ValueError)
    m = TEMPLATE.match(err.message)
    assert m, err.message
    assert m["name"] == name, err.message


def test_check_option_tells_bools_from_ints():
    from tradegap.validation import check_number, check_option

    assert check_option("fit", True, (True, False), "f") is True
    assert check_option("fit", np.False_, (True, False), "f") == np.False_
    with pytest.raises(InputError, match="Got 1 instead"):
        check_option("fit", 1, (True, False), "f")
    with pytest.raises(InputError, match="Got True instead"):
        check_option("k", True, (0, 1), "f")
    assert check_number("n", np.int64(3), "f", integer=True, low=1) == 3
    for bad in (True, 2.0, "3", float("nan")):
        with pytest.raises(InputError, match=r"must be an int greater than or equal to 1\. Got"):
            check_number("n", bad, "f", integer=True, low=1)
