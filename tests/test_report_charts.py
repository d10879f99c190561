"""The native SVG charts: well-formed, prefixed ids, escaped text, NaN skipped, nice ticks, deterministic."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegap.brief import Chart
from tradegap.errors import InputError
from tradegap.report.charts import PALETTE, chart_svg
from tradegap.report.svg import esc, nice_ticks, text_width, tick_format, wrap_label

NS = "{http://www.w3.org/2000/svg}"
SRC = Path(__file__).resolve().parents[1] / "src"


def _history(n_years: int = 12, *, direction_b: str = "Russia → Iran", potential_years: int | None = None) -> Chart:
    rng = np.random.default_rng(3)
    years = np.arange(2005, 2005 + n_years)
    rows = []
    for d, scale in (("Iran → Russia", 300.0), (direction_b, 2500.0)):
        act = scale * (1 + rng.random(n_years))
        pot = act * 1.8
        keep = np.zeros(n_years, bool)
        keep[n_years - (potential_years or n_years):] = True
        rows.append(pd.DataFrame({
            "year": years, "direction": d, "actual": act,
            "potential": np.where(keep, pot, np.nan), "lower": np.where(keep, pot * 0.9, np.nan),
            "upper": np.where(keep, pot * 1.1, np.nan), "actual_model": act * 1.05, "size_potential": act * 3.1,
        }))
    return Chart(kind="history", data=pd.concat(rows, ignore_index=True), title="Actual vs potential, Iran and Russia",
                 xlabel="year", ylabel="USD millions")


def _bars(values, labels=None, highlight=None, title="Peers") -> Chart:
    labels = labels or [f"partner {i}" for i in range(len(values))]
    data = pd.DataFrame({"label": labels, "value": values})
    if highlight is not None:
        data["highlight"] = highlight
    return Chart(kind="bars", data=data, title=title, xlabel="USD millions")


def _grouped() -> Chart:
    data = pd.DataFrame({
        "label": ["food", "food", "fuel", "fuel", "machinery"],
        "group": ["pair", "world", "pair", "world", "pair"],
        "value": [52.3, 6.4, -0.8, np.nan, 9.6],
    })
    return Chart(kind="bars", data=data, title="Sectors", xlabel="% of trade")


def _politics(ratio: bool = True) -> Chart:
    years = np.arange(1990, 2020)
    data = pd.DataFrame({"year": years, "agreement": np.linspace(0.95, 0.75, len(years))})
    if ratio:
        data["ratio"] = np.where(years >= 2000, np.linspace(0.4, 1.1, len(years)), np.nan)
    return Chart(kind="politics", data=data, title="Politics beside economics", ylabel="UN vote agreement (share)")


ALL = {"history": _history, "bars": lambda: _bars([5.0, -2.0, 3.0]), "grouped": _grouped, "politics": _politics}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def _texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{NS}text")]


@pytest.mark.parametrize("kind", sorted(ALL))
@pytest.mark.parametrize("width", [760, 360])
def test_each_kind_is_a_standalone_accessible_svg(kind, width):
    chart = ALL[kind]()
    root = _parse(chart_svg(chart, "c-x", width=width))
    assert root.tag == f"{NS}svg"
    vb = [float(v) for v in root.get("viewBox").split()]
    assert vb[:3] == [0, 0, width] and vb[3] > 100
    assert root.get("width") == "100%" and root.get("role") == "img"
    assert root.get("preserveAspectRatio") == "xMidYMid meet"
    assert "sans-serif" in root.get("font-family")
    title = root.find(f"{NS}title")
    assert title is not None and title.text == chart.title == root.get("aria-label")
    assert root.get("aria-labelledby") == title.get("id")
    # readable once the viewBox is shown at its own width: no text under 11 px
    sizes = [float(e.get("font-size") or root.get("font-size")) for e in root.iter(f"{NS}text")]
    assert sizes and min(sizes) >= 11
    # every drawn coordinate inside the viewBox
    for e in root.iter(f"{NS}text"):
        assert -1 <= float(e.get("x")) <= width + 1 or e.get("transform"), ET.tostring(e)


@pytest.mark.parametrize("kind", sorted(ALL))
def test_ids_carry_the_prefix_and_are_unique(kind):
    svg = chart_svg(ALL[kind](), "c-sec")
    ids = [e.get("id") for e in _parse(svg).iter() if e.get("id")]
    assert len(ids) >= 2 and len(ids) == len(set(ids))
    assert all(i == "c-sec" or i.startswith("c-sec-") for i in ids), ids
    refs = re.findall(r'(?:aria-labelledby="|url\(#|href="#)([^")]+)', svg)
    assert set(refs) <= set(ids)


def test_text_is_escaped():
    nasty = "R&D <tariffs> \"x\" 'y'"
    chart = _bars([3.0, 1.0], labels=[nasty, "Côte d'Ivoire"], title="Trade & <politics> of Côte d'Ivoire")
    svg = chart_svg(chart, "c-esc")
    root = _parse(svg)
    texts = _texts(root)
    assert nasty in texts and "Côte d'Ivoire" in texts
    assert root.find(f"{NS}title").text == chart.title
    assert "R&D <" not in svg  # raw only after parsing
    hist = _history(direction_b="Côte d'Ivoire & <x> → Iran")
    assert "Côte d'Ivoire & <x> → Iran" in _texts(_parse(chart_svg(hist, "c-h")))
    assert esc("a&b<c>\"d'") == "a&amp;b&lt;c&gt;&quot;d&#39;"


def test_nan_and_inf_rows_are_skipped_and_bars_counted():
    chart = _bars([4.0, np.nan, np.inf, -2.0, 1.5])
    root = _parse(chart_svg(chart, "c-nan"))
    assert len(_by_class(root, "bar")) == 3
    labels = [e.text for e in _by_class(root, "label")]
    assert labels == ["partner 0", "partner 3", "partner 4"]
    assert not any(re.search(r"nan|inf", t, re.I) for t in _texts(root))
    grouped = _parse(chart_svg(_grouped(), "c-g"))
    assert len(_by_class(grouped, "bar")) == 4  # five rows, one NaN
    hist = _history()
    hist.data.loc[3, ["actual", "potential"]] = [np.nan, np.inf]
    svg = chart_svg(hist, "c-hn")
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


@pytest.mark.parametrize(
    "chart",
    [
        _bars([np.nan, np.nan]),
        Chart(kind="bars", data=pd.DataFrame({"label": [], "value": []}), title="empty"),
        Chart(kind="history", data=pd.DataFrame(columns=["year", "direction", "actual"]), title="empty"),
        Chart(kind="politics", data=pd.DataFrame({"year": [2000, 2001], "agreement": [np.nan, np.nan]}), title="e"),
    ],
    ids=["bars-nan", "bars-empty", "history-empty", "politics-nan"],
)
def test_empty_data_says_no_data(chart):
    root = _parse(chart_svg(chart, "c-e"))
    assert [e.text for e in _by_class(root, "no-data")] == ["no data"]
    assert not _by_class(root, "bar")


def test_history_direction_without_data_gets_its_own_message():
    chart = _history()
    chart.data.loc[chart.data["direction"] == "Russia → Iran", ["actual", "potential", "lower", "upper",
                                                             "actual_model", "size_potential"]] = np.nan
    root = _parse(chart_svg(chart, "c-p"))
    panels = _by_class(root, "panel")
    assert len(panels) == 2
    assert [e.text for e in _by_class(panels[1], "no-data")] == ["no data"]
    assert not _by_class(panels[0], "no-data")


def test_signed_bars_use_the_negative_colour_and_a_zero_line():
    root = _parse(chart_svg(_bars([5.0, -2.0, 3.0], highlight=[False, False, True]), "c-s"))
    fills = [e.get("fill") for e in _by_class(root, "bar")]
    assert fills == [PALETTE["positive"], PALETTE["negative"], PALETTE["accent"]]
    zero = _by_class(root, "zero")
    assert len(zero) == 1 and zero[0].get("stroke") == PALETTE["ink"]
    # bars start at the zero line: the negative one ends there, the positive ones start there
    x0 = float(re.match(r"M([\d.]+),", zero[0].get("d")).group(1))
    b = _by_class(root, "bar")
    assert math.isclose(float(b[0].get("x")), x0, abs_tol=0.02)
    assert math.isclose(float(b[1].get("x")) + float(b[1].get("width")), x0, abs_tol=0.02)
    # the highlighted label is bold and in the accent colour
    hl = [e for e in _by_class(root, "label") if e.text == "partner 2"][0]
    assert hl.get("font-weight") == "bold" and hl.get("fill") == PALETTE["accent"]
    # value labels with a typographic minus
    assert "−2.0" in [e.text for e in _by_class(root, "value")]
    unsigned = _parse(chart_svg(_bars([5.0, 2.0]), "c-u"))
    assert {e.get("fill") for e in _by_class(unsigned, "bar")} == {PALETTE["a"]}


def test_long_labels_wrap_to_two_lines_with_an_ellipsis():
    long = "successor states of the same federation (USSR, Yugoslavia, Czechoslovakia) " * 3
    root = _parse(chart_svg(_bars([1.0, 2.0], labels=[long, "short"]), "c-w"))
    lines = [e.text for e in _by_class(root, "label")]
    assert len(lines) == 3 and lines[-1] == "short"
    assert lines[1].endswith("…") and all(text_width(s, 12.5) <= 0.38 * 760 + 0.01 for s in lines)
    assert wrap_label("a b", 100, 12) == ["a b"]
    assert wrap_label("x" * 80, 60, 12)[0].endswith("…")


def _history_ticks(root: ET.Element, panel: int) -> list[float]:
    g = _by_class(root, "panel")[panel]
    axis = [e for e in g.iter(f"{NS}g") if e.get("class") == "y-axis"][0]
    return [float(e.text.replace(",", "").replace("−", "-")) for e in _by_class(axis, "tick")]


def _is_nice_step(step: float) -> bool:
    mant = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mant, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


def test_history_y_ticks_are_nice_and_cover_the_data():
    chart = _history()
    root = _parse(chart_svg(chart, "c-t"))
    for k, d in enumerate(dict.fromkeys(chart.data["direction"])):
        ticks = _history_ticks(root, k)
        sub = chart.data[chart.data["direction"] == d]
        top = float(sub[["actual", "potential", "upper", "actual_model", "size_potential"]].max().max())
        steps = np.diff(ticks)
        assert ticks[0] == 0 and ticks[-1] >= top and ticks[-2] < top
        assert np.allclose(steps, steps[0]) and _is_nice_step(steps[0])
        assert 4 <= len(ticks) <= 8
    years = [e.text for e in _by_class(root, "tick") if re.fullmatch(r"\d{4}", e.text or "")]
    assert years and all(2005 <= int(y) <= 2016 for y in years)


@given(
    lo=st.floats(-1e9, 1e9, allow_nan=False), span=st.floats(1e-6, 1e9, allow_nan=False),
    n=st.integers(3, 10),
)
def test_nice_ticks_property(lo, span, n):
    hi = lo + span
    if span < 1e-6 * max(1.0, abs(lo)):  # beyond float precision for evenly spaced labels
        return
    ticks = nice_ticks(lo, hi, n)
    step = (ticks[-1] - ticks[0]) / (len(ticks) - 1)
    tol = 1e-6 * step  # a bound within a millionth of a step counts as covered
    assert ticks[0] <= lo + tol and ticks[-1] >= hi - tol
    assert _is_nice_step(step)
    assert (n - 1) / 2 <= len(ticks) - 1 <= n + 1


def test_tick_labels_use_the_step_decimals_and_thousands():
    assert [tick_format([0, 2500, 5000])(x) for x in (0, 2500, 12500)] == ["0", "2,500", "12,500"]
    assert [tick_format([0, 2.5])(x) for x in (0, 7.5, 12.5)] == ["0.0", "7.5", "12.5"]
    assert tick_format([-0.5, 0])(-0.5) == "−0.5"
    assert nice_ticks(1992, 2020, 7, integer=True) == [1990, 1995, 2000, 2005, 2010, 2015, 2020]


def test_history_with_two_potential_points_draws_squares_and_error_bars():
    root = _parse(chart_svg(_history(potential_years=2), "c-sq"))
    assert len(_by_class(root, "errorbar")) == 4  # two points in each panel
    assert not _by_class(root, "potential") and not _by_class(root, "band")
    assert "structural potential (with band)" in _texts(root)
    full = _parse(chart_svg(_history(), "c-full"))
    assert len(_by_class(full, "potential")) == 2 and len(_by_class(full, "band")) == 2
    assert len(_by_class(full, "actual")) == 2 and len(_by_class(full, "size-potential")) == 2


def test_history_of_a_single_year_has_its_year_tick():
    chart = _history(n_years=1)
    root = _parse(chart_svg(chart, "c-one"))
    assert [e.text for e in _by_class(root, "tick") if re.fullmatch(r"\d{4}", e.text or "")] == ["2005", "2005"]
    assert len(_by_class(root, "errorbar")) == 2


def test_history_panels_side_by_side_wide_and_stacked_narrow():
    def origin(svg):
        return [float(_by_class(p, "tick")[0].get("y")) for p in _by_class(_parse(svg), "panel")]

    wide, narrow = origin(chart_svg(_history(), "w")), origin(chart_svg(_history(), "n", width=360))
    assert wide[0] == wide[1] and narrow[1] > narrow[0] + 150


def test_politics_ratio_on_a_right_axis_with_parity_line():
    chart = _politics()
    root = _parse(chart_svg(chart, "c-pol"))
    assert len(_by_class(root, "bar")) == int(chart.data["ratio"].notna().sum())
    assert len(_by_class(root, "parity")) == 1
    texts = _texts(root)
    assert {"UN vote agreement (left)", "actual / structural potential (right)", "trade = potential"} <= set(texts)
    assert {"0%", "100%", "actual / potential", "UN vote agreement (share)"} <= set(texts)
    alone = _parse(chart_svg(_politics(ratio=False), "c-pol2"))
    assert not _by_class(alone, "bar") and not _by_class(alone, "parity")
    assert "trade = potential" not in _texts(alone)


def test_bad_width_and_kind_are_input_errors():
    with pytest.raises(InputError, match="'width' parameter of chart_svg"):
        chart_svg(_grouped(), "c", width=10)
    chart = _grouped()
    object.__setattr__(chart, "kind", "pie")
    with pytest.raises(InputError, match="No drawing for chart kind 'pie'"):
        chart_svg(chart, "c")


def test_output_is_deterministic_and_needs_no_plotting_library():
    """Same bytes in another process with another hash seed; matplotlib is never imported."""
    here = {k: hashlib.sha256(chart_svg(f(), f"c-{k}").encode()).hexdigest() for k, f in ALL.items()}
    assert all(hashlib.sha256(chart_svg(f(), f"c-{k}").encode()).hexdigest() == here[k] for k, f in ALL.items())
    code = (
        "import sys, json, hashlib\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import test_report_charts as t\n"
        "from tradegap.report.charts import chart_svg\n"
        "import tradegap.report.html\n"
        "out = {k: hashlib.sha256(chart_svg(f(), f'c-{k}').encode()).hexdigest() for k, f in t.ALL.items()}\n"
        "print(json.dumps([out, 'matplotlib' in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "12345"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    there, mpl = json.loads(res.stdout.strip().splitlines()[-1])
    assert there == here and mpl is False


def test_html_page_has_both_layouts_and_unique_ids():
    from tradegap.brief import BriefSection, PairBrief
    from tradegap.report.html import render_html

    sections = tuple(BriefSection(title=f"Section {k}", key=k, text="Text.", chart=f()) for k, f in ALL.items())
    brief = PairBrief(a="IRN", b="CIV", names=("Iran", "Côte d'Ivoire"), year=2019, sections=sections)
    html = render_html(brief)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert html.count('<div class="chart-wide"><svg') == html.count('<div class="chart-narrow"><svg') == len(ALL)
    assert 'viewBox="0 0 360 ' in html and 'viewBox="0 0 760 ' in html
    assert "@media (max-width: 640px)" in html
