"""The HTML brief opens in headless Chromium, every chart renders, and nothing is fetched from the network."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tradegap import brief as B
from tradegap.report.html import write_html

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (run `make chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser, path: Path, screenshot: Path, width: int = 1200):
    """Open ``path`` in a ``width`` px wide window; return (page, list of URLs that tried to leave the page)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    external: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.screenshot(path=str(screenshot), full_page=True)
    return page, external


def _check_charts(page, expected: set[str], layout: str = "wide") -> None:
    """Each expected chart shows its ``layout`` drawing (the other one hidden), with something drawn in it."""
    charts = page.query_selector_all("figure.chart")
    ids = {c.get_attribute("id") for c in charts}
    assert expected <= ids, f"missing charts {expected - ids}; present {ids}"
    other = "narrow" if layout == "wide" else "wide"
    for c in charts:
        svg = c.query_selector(f".chart-{layout} svg")
        assert svg is not None, c.get_attribute("id")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (c.get_attribute("id"), box)
        assert c.query_selector(f".chart-{other} svg").bounding_box() is None, c.get_attribute("id")
        # something was drawn: lines, grid, bars and markers inside the svg
        assert len(svg.query_selector_all("path, rect, circle")) > 5, c.get_attribute("id")


def test_synthetic_brief_renders_offline(browser, monkeypatch, tmp_path):
    from test_brief import install_fakes

    install_fakes(monkeypatch)
    br = B.pair_brief("IRN", "RUS", year=2019)
    path = write_html(br, tmp_path / "brief.html")
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "external resource referenced"
    shot = Path(os.environ.get("TRADEGAP_SCREENSHOT_DIR", tmp_path)) / "brief-synthetic.png"
    page, external = _open(browser, path, shot)
    assert external == []
    assert shot.stat().st_size > 10_000
    _check_charts(
        page,
        {"chart-history", "chart-peers", "chart-politics", "chart-decomposition", "chart-scenarios", "chart-gap"},
    )
    assert page.title().startswith("Iran – Russia")
    sections = page.query_selector_all("section.brief-section")
    assert len(sections) == len(br.sections) - 1  # the summary is the headline box
    assert "USD millions" in page.inner_text("header")
    page.close()
    # a phone: the narrow drawings show and nothing runs off the side of the page
    phone, external = _open(browser, path, shot.with_name("brief-synthetic-phone.png"), width=400)
    assert external == []
    _check_charts(phone, {"chart-history", "chart-peers", "chart-politics"}, layout="narrow")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.close()


@pytest.mark.parametrize(
    "sections",
    [
        pytest.param(
            ["history", "peers", "potential", "gap", "decomposition", "sanctions", "politics"], id="without-sectors-ge"
        ),
        pytest.param(None, id="all-sections", marks=pytest.mark.slow),
    ],
)
def test_embedded_iran_russia_brief_renders_offline(browser, tmp_path, sections):
    br = B.pair_brief("IRN", "RUS", year=2019, sections=sections)
    path = write_html(br, tmp_path / "iran-russia.html")
    shot = Path(os.environ.get("TRADEGAP_SCREENSHOT_DIR", tmp_path)) / "brief-iran-russia.png"
    page, external = _open(browser, path, shot)
    assert external == []
    expected = {f"chart-{s.key}" for s in br.sections if s.ok and s.chart is not None and len(s.chart.data)}
    _check_charts(page, expected)
    # unavailable sections are shown with their message, not hidden
    for s in br.sections:
        if not s.ok:
            assert page.query_selector(f"#sec-{s.key} .notice") is not None
    page.close()
