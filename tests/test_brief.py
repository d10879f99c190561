"""The pair brief: sections present, honest wording, one failing component does not sink the brief.

The component adapters of :mod:`tradegap.brief` are replaced by synthetic ones
(``install_fakes``) so that these tests pin the brief's own logic; the brief on
the embedded data is checked at the end (a missing or renamed component is an
import error there, never a skip).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tradegap import brief as B
from tradegap.brief import components as _components
from tradegap.brief import potential_view as _potential_view
from tradegap.brief import sections as _sections
from tradegap.errors import CoverageError, InputError, TradegapError

#: The brief modules that call the adapters (each holds its own reference to them).
_ADAPTER_USERS = (_components, _sections, _potential_view)


def _patch_adapter(monkeypatch, name, fn):
    for mod in _ADAPTER_USERS:
        if hasattr(mod, name):
            monkeypatch.setattr(mod, name, fn)

YEARS = list(range(2000, 2020))


def _history(ctx, level_ab=1000.0, level_ba=400.0):
    rows = []
    for t, y in enumerate(YEARS):
        rows.append({"year": y, "exporter": ctx.a, "importer": ctx.b, "value": level_ab * (1 + 0.03 * t)})
        rows.append({"year": y, "exporter": ctx.b, "importer": ctx.a, "value": level_ba * (1 + 0.02 * t)})
    df = pd.DataFrame(rows)
    df["direction"] = [ctx.dir_label(e, i) for e, i in zip(df.exporter, df.importer, strict=True)]
    return df


def _potential(ctx, ratio_ab, ratio_ba, band=0.1):
    hist = _history(ctx)
    pot = hist["value"] / np.where(hist["exporter"] == ctx.a, ratio_ab, ratio_ba)
    df = hist.rename(columns={"value": "actual"}).assign(potential=pot)
    df["lower"] = df["potential"] * (1 - band)
    df["upper"] = df["potential"] * (1 + band)
    df["ratio"] = df["actual"] / df["potential"]
    df["untapped"] = df["potential"] - df["actual"]
    df.attrs["specification"] = "synthetic test specification"
    df.attrs["band_method"] = "synthetic"
    return df


def install_fakes(monkeypatch, *, ratio_ab=0.3, ratio_ba=0.5, size_ab=0.1, size_ba=0.2, band=0.1, fail=()):
    """Replace every component adapter by synthetic data; names in ``fail`` raise CoverageError."""

    def failing(name):
        def f(*_a, **_k):
            raise CoverageError(f"synthetic failure of {name}: no data for this year", hint="Try 2015.")

        return f

    fakes = {
        "history": lambda ctx: _history(ctx),
        "structural": lambda ctx: _potential(ctx, ratio_ab, ratio_ba, band),
        "size_based": lambda ctx: _potential(ctx, size_ab, size_ba, band),
        "peers": lambda ctx: (
            pd.DataFrame(
                {
                    "partner": ["CHN", "DEU", ctx.a, "KAZ"],
                    "label": ["China", "Germany", ctx.names[0], "Kazakhstan"],
                    "value": [50000.0, 30000.0, 1500.0, 900.0],
                    "highlight": [False, False, True, False],
                }
            ),
            "Synthetic peers.",
        ),
        "decomposition": lambda ctx: (
            pd.DataFrame(
                {
                    "label": ["distance", "shared sea", "no common language", "sanctions", "pair residual"],
                    "value": [-60.0, 25.0, -20.0, -35.0, -10.0],
                    "highlight": [False] * 5,
                }
            ),
            "Synthetic decomposition.",
        ),
        "sanctions": lambda ctx: (
            pd.DataFrame({"case_id": [1], "sender": ["USA"], "target": [ctx.a], "type": ["trade"]}),
            "Synthetic sanctions.",
        ),
        "politics": lambda ctx: pd.DataFrame(
            {"year": YEARS, "agreement": np.linspace(0.6, 0.8, len(YEARS)), "s_score": np.linspace(0.3, 0.5, len(YEARS))}
        ),
        "sectors": lambda ctx: (
            pd.DataFrame({"sector": ["aerospace", "high-tech"], "value": [3.0, 40.0]}),
            "Synthetic sectors.",
            pd.DataFrame({"label": ["aerospace", "high-tech"], "value": [3.0, 40.0]}),
        ),
        "scenarios": lambda ctx: (
            pd.DataFrame({"scenario": ["FTA", "sanctions lifted", "trade cost -20%"], "pair_trade_pct": [12.0, 30.0, 25.0]}),
            "Synthetic scenarios.",
            pd.DataFrame({"label": ["FTA", "sanctions lifted", "trade cost -20%"], "value": [12.0, 30.0, 25.0]}),
        ),
    }
    for name, fake in fakes.items():
        _patch_adapter(monkeypatch, f"_adapt_{name}", failing(name) if name in fail else fake)


@pytest.fixture
def fakes(monkeypatch):
    install_fakes(monkeypatch)
    return monkeypatch


def test_all_sections_present_and_jsonable(fakes):
    br = B.pair_brief("IRN", "RUS", year=2019)
    keys = [s.key for s in br.sections]
    assert keys == [k for k in B.SECTIONS if k != "claims"]
    assert all(s.ok for s in br.sections), [(s.key, s.text) for s in br.sections if not s.ok]
    d = json.loads(json.dumps(br.to_dict(), allow_nan=False))
    assert d["unit"] == "USD millions" and d["year"] == 2019 and d["a"] == "IRN"
    assert {s["key"] for s in d["sections"]} == set(keys)
    hist = br.section("history")
    assert hist.chart is not None and hist.chart.kind == "history"
    assert {"actual", "potential", "lower", "upper", "size_potential"} <= set(hist.chart.data.columns)
    frame = br.to_frame()
    assert list(frame.columns) == ["section", "title", "status", "summary"]
    assert (frame["status"] == "ok").all()


def test_brief_states_sources_units_and_method(fakes):
    br = B.pair_brief("IRN", "RUS", year=2019)
    method = br.section("method")
    assert "USD millions" in method.text and "2019" in method.text
    assert any("Direction of Trade" in s for s in method.sources)
    assert "PPML" in method.text and "not a forecast" in method.text
    pot = br.section("potential").text
    assert "95%" in pot and "uncertainty" in pot.lower()


def test_below_potential_reports_untapped(fakes):
    br = B.pair_brief("IRN", "RUS", year=2019)
    pot = br.section("potential").text
    assert "untapped" in pot
    assert "below potential, beyond the model's uncertainty bands" in br.headline
    assert br.metrics["structural_ratio_ab"] == pytest.approx(0.3)


def test_actual_at_or_above_potential_is_said_plainly(monkeypatch):
    install_fakes(monkeypatch, ratio_ab=1.25, ratio_ba=1.0, size_ab=1.4, size_ba=1.1)
    br = B.pair_brief("IRN", "RUS", year=2019)
    pot = br.section("potential").text
    assert pot.count("at or above this potential") == 4
    assert "untapped" not in pot.replace("no untapped", "")
    assert "does not show untapped trade" in br.headline
    assert "below potential" not in br.headline


def test_gap_inside_band_is_not_claimed(monkeypatch):
    install_fakes(monkeypatch, ratio_ab=0.95, ratio_ba=0.97, size_ab=0.95, size_ba=0.97, band=0.2)
    br = B.pair_brief("IRN", "RUS", year=2019)
    pot = br.section("potential").text
    assert "inside the model's uncertainty band" in pot
    assert "leaving about" not in pot
    assert "within the model's uncertainty" in br.headline
    assert "beyond the model's uncertainty" not in br.headline


def test_one_failing_component_shows_its_message(monkeypatch):
    install_fakes(monkeypatch, fail=("politics", "scenarios"))
    br = B.pair_brief("IRN", "RUS", year=2019)
    pol = br.section("politics")
    assert pol.status == "unavailable" and "synthetic failure of politics" in pol.text and "Try 2015" in pol.text
    assert pol.chart is None
    assert br.section("scenarios").status == "unavailable"
    assert br.section("history").ok and br.section("potential").ok
    assert "Not available in this brief" in br.headline
    json.dumps(br.to_dict(), allow_nan=False)


def test_failing_potential_degrades_dependants(monkeypatch):
    install_fakes(monkeypatch, fail=("structural", "size_based"))
    br = B.pair_brief("IRN", "RUS", year=2019)
    assert br.section("potential").status == "unavailable"
    assert br.section("gap").status == "unavailable"
    pol = br.section("politics")
    assert pol.ok and "could not be computed" in pol.text
    hist = br.section("history")
    assert hist.ok and "potential" not in hist.chart.data.columns
    assert "could not be computed" in br.headline


def test_programming_errors_are_not_swallowed(monkeypatch):
    install_fakes(monkeypatch)

    def broken(ctx):
        raise ZeroDivisionError("bug")

    _patch_adapter(monkeypatch, "_adapt_politics", broken)
    with pytest.raises(ZeroDivisionError):
        B.pair_brief("IRN", "RUS", year=2019)


def test_claims_and_extra_sections(fakes):
    claims = [{"claim": "trade is the same as with small countries", "verdict": "partly true", "detail": {"x": 1}}]
    extra = B.BriefSection(title="A note from the article reader", text="Extra text.")
    br = B.pair_brief("IRN", "RUS", year=2019, claims=claims, extra_sections=[extra])
    assert "claims" in br and "a-note-from-the-article-reader" in br
    c = br.section("claims")
    assert "partly true" in c.text and c.frame.loc[0, "claim"].startswith("trade is")
    assert br.sections[-1].key == "method"


def test_sections_subset_and_progress(fakes):
    seen = []
    br = B.pair_brief("IRN", "RUS", year=2019, sections=["history"], progress=lambda t, i, n: seen.append((t, i, n)))
    assert [s.key for s in br.sections] == ["summary", "history", "method"]
    assert seen[0] == ("Trade history", 0, 3) and seen[-1][1] == seen[-1][2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"a": "IRN", "b": "IRN"}, "two different countries"),
        ({"a": "IRN", "b": "RUS", "year": "2019"}, "must be an int"),
        ({"a": "IRN", "b": "RUS", "year": 1066}, "calendar year"),
        ({"a": "IRN", "b": "RUS", "sections": ["nope"]}, "'sections' parameter"),
    ],
)
def test_bad_input(fakes, kwargs, match):
    a, b = kwargs.pop("a"), kwargs.pop("b")
    with pytest.raises(InputError, match=match):
        B.pair_brief(a, b, **kwargs)


def test_unknown_country_is_an_error():
    with pytest.raises(TradegapError):
        B.pair_brief("Atlantis", "RUS")


def test_ratio_sentence_wording():
    s = B.ratio_sentence("A → B", 50.0, 100.0, 80.0, 120.0)
    assert "50%" in s and "untapped" in s and "at least USD 30 million" in s
    assert "no untapped" in B.ratio_sentence("A → B", 100.0, 100.0)
    assert "could not be computed" in B.ratio_sentence("A → B", 10.0, float("nan"))


def test_section_and_chart_validation():
    with pytest.raises(InputError, match="kind"):
        B.Chart(kind="pie", data=pd.DataFrame(), title="x")
    with pytest.raises(InputError, match="status"):
        B.BriefSection(title="x", text="y", status="broken")
    s = B.BriefSection.unavailable("k", "T", CoverageError("no data", hint="use 2018"))
    assert s.status == "unavailable" and "Hint: use 2018" in s.text


#: Sections quick enough for the default suite on the embedded data (sectors and GE take ~30 s each).
FAST_SECTIONS = ["history", "peers", "sanctions", "politics"]


def _assert_installed_sections_ok(br):
    failed = [(s.key, s.text) for s in br.sections if not s.ok]
    assert not failed, failed
    json.dumps(br.to_dict(), allow_nan=False)


def test_brief_on_embedded_data_fast_sections():
    """IRN–RUS on the shipped data: DOTS history (Russia → Iran 1,196.9 in 2019), peers, sanctions, UNGA."""
    br = B.pair_brief("IRN", "RUS", year=2019, sections=FAST_SECTIONS)
    _assert_installed_sections_ok(br)
    hist = br.section("history").frame.set_index("year")
    assert hist.loc[2019, "Russia → Iran"] == pytest.approx(1196.9, rel=1e-3)
    assert br.metrics["actual_ba"] == pytest.approx(1196.9, rel=1e-3)
    assert "Iran" in br.section("peers").text and br.section("peers").chart.data["highlight"].sum() == 1
    pol = br.section("politics").frame
    assert pol["year"].min() == 1990 and pol["agreement"].dropna().between(0, 1).all()
    # the ideal points reach 2023, past the roll calls (2019): Russia 56th of 191 closest to Iran
    assert pol.set_index("year").loc[2023, "ideal_rank"] == 56 and pd.isna(pol.set_index("year").loc[2023, "agreement"])
    assert "56 of 191 in 2023" in br.section("politics").text
    assert "In 2019 their agreement index" in br.section("politics").text
    sanc = br.section("sanctions").frame
    assert list(sanc.columns[:3]) == ["case_id", "sanctioned", "sanctioned by"]
    # no article was read: the prose does not mention one
    assert all("article" not in s.text for s in br.sections)


@pytest.mark.slow
def test_brief_on_embedded_data_all_sections():
    """The full ``make demo`` brief: every section computed from the shipped data."""
    br = B.pair_brief("IRN", "RUS", year=2019)
    _assert_installed_sections_ok(br)


# --------------------------------------------------------------------------- a brief that does not overstate
def test_multi_year_view_flags_a_best_reference_year(monkeypatch):
    """Ratio 0.5 in 2015–2018 and 1.0 in 2019: the summary says 2019 is the pair's best year, with the mean."""
    install_fakes(monkeypatch)

    def structural(ctx):
        df = _potential(ctx, 1.0, 1.0)
        df.loc[df["year"] < 2019, "potential"] = df.loc[df["year"] < 2019, "actual"] / 0.5
        df["ratio"] = df["actual"] / df["potential"]
        return df

    _patch_adapter(monkeypatch, "_adapt_structural", structural)
    br = B.pair_brief("IRN", "RUS", year=2019)
    text = br.section("summary").text
    assert "Over 2015–2019, the ratio of actual to structural-potential trade (both directions) averaged 0.60" in text
    assert "2019 is the pair's best year in that window" in text
    assert "That holds for 2019, the pair's best year of 2015–2019, not for the period" in text
    assert br.metrics["structural_ratio_mean5"] == pytest.approx(0.6)
    assert br.metrics["structural_year_standing"] == "best"
    rows = br.section("summary").frame.set_index("measure")["value"]
    assert rows["Actual / structural potential, both directions, 2015–2019 mean"] == pytest.approx(0.6)


def test_typical_reference_year_is_said_to_be_typical(fakes):
    br = B.pair_brief("IRN", "RUS", year=2019)
    assert "2019 is not unusual for the pair" in br.section("summary").text


def test_ratio_view_rules():
    from tradegap.brief.summary import ratio_view

    f = pd.DataFrame({"year": [2015, 2016, 2017, 2018, 2019] * 2, "actual": [1.0] * 10,
                      "potential": [2.0, 2.0, 2.0, 2.0, 1.0] * 2})
    v = ratio_view(f, 2019)
    assert v.span == "2015–2019" and v.mean == pytest.approx(0.6) and v.standing == "best"
    assert ratio_view(f, 2017).standing == "typical"  # 2015–2017 all 0.5
    assert ratio_view(f.iloc[:1], 2015) is None


def test_peer_wording_only_within_the_band():
    from tradegap.brief.summary import peers_in_band

    d = pd.DataFrame({"label": ["China", "Germany", "Iran", "Latvia", "Kazakhstan"],
                      "value": [50000.0, 3000.0, 1500.0, 1700.0, 1250.0],
                      "highlight": [False, False, True, False, False]})
    assert peers_in_band(d) == ["Latvia", "Kazakhstan"]  # Germany is 2× the pair: not "about as much"


def test_fake_peers_two_to_thirty_times_larger_are_not_called_about_as_much(fakes):
    br = B.pair_brief("IRN", "RUS", year=2019)  # fake peers: China 50,000 and Germany 30,000 vs 1,500
    assert "trades about as much" not in br.section("summary").text


def test_article_is_mentioned_only_when_one_was_read(fakes):
    plain = B.pair_brief("IRN", "RUS", year=2019)
    assert all("article" not in s.text for s in plain.sections)
    extra = B.BriefSection(title="What the article says", key="article", text="x")
    read = B.pair_brief("IRN", "RUS", year=2019, extra_sections=[extra])
    assert "the article's \"high capacities\"" in read.section("potential").text


@pytest.mark.parametrize(("year", "words"), [(2050, "unknown: the sanctions data cover 2013–2022"),
                                            (1995, "for 1995 the answer is unknown")])
def test_sanctions_statements_bounded_by_coverage(year, words):
    br = B.pair_brief("IRN", "RUS", year=year, sections=["sanctions"])
    text = br.section("sanctions").text
    assert words in text and "No sanctions between" not in text


def test_history_flags_historical_entities(monkeypatch):
    install_fakes(monkeypatch)

    def history(ctx):
        df = _history(ctx)
        return df.assign(year=df["year"] - 10)  # 1990–2009

    _patch_adapter(monkeypatch, "_adapt_history", history)
    br = B.pair_brief("IRN", "RUS", year=2005, sections=["history"])
    assert "Russia (RUS) exists in the data only from 1992" in br.section("history").text
