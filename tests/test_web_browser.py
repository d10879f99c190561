"""The web app in Debian's Chromium (Playwright): pick a pair by name, charts, the scenario slider,
the article check, /docs offline, a 400 px phone screen, labelled inputs and keyboard use.

The server runs in this process (uvicorn in a thread) so the brief's components can be the
synthetic ones of ``test_brief.install_fakes`` and the untapped ranking a synthetic one: the
browser side is what is tested here; the numbers are tested in test_api and the library's tests.
Scenarios and the article check run on the embedded data.  Screenshots are saved under
``$TRADEGAP_SCREENSHOT_DIR`` (default: a pytest temporary folder).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTICLE = Path(__file__).parent / "data" / "articles" / "iran-russia-ties-2022.txt"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ.get("TRADEGAP_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def server():
    uvicorn = pytest.importorskip("uvicorn")
    pytest.importorskip("fastapi")
    from test_api import _fake_untapped, install_fast_fakes
    from tradegap.api.app import create_app

    mp = pytest.MonkeyPatch()
    install_fast_fakes(mp)
    _fake_untapped(mp)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(timeout=10)
    mp.undo()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (run `make chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records console errors, page errors and requests leaving the server."""

    def __init__(self, browser, base: str, width: int = 1200, height: int = 900) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = r.request.url
            if url.startswith((base, "data:", "blob:", "about:")):
                r.continue_()
            else:
                self.external.append(url)
                r.abort()

        self.page.route("**/*", route)

    def __enter__(self):
        return self.page

    def __exit__(self, *exc) -> None:
        self.page.close()


def _pick(page, field: str, typed: str, expect: str) -> None:
    page.fill(field, typed)
    option = page.wait_for_selector(f"{field}-list li", timeout=10_000)
    assert expect in option.inner_text()
    page.keyboard.press("Enter")


def _charts(page, minimum: int) -> int:
    page.wait_for_function(f"document.querySelectorAll('figure .chart svg').length >= {minimum}", timeout=60_000)
    n = 0
    for svg in page.query_selector_all("figure .chart svg"):
        box = svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 40, box
        assert len(svg.query_selector_all("path")) >= 3
        n += 1
    return n


def _all_inputs_labelled(page) -> None:
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, select')]
              .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
              .map(e => e.outerHTML)"""
    )
    assert unlabelled == []


def test_pick_pair_by_name_charts_and_slider(browser, server, shots):
    p = Page(browser, server)
    with p as page:
        page.goto(server + "/")
        _all_inputs_labelled(page)
        _pick(page, "#country-1", "Iran", "IRN")
        _pick(page, "#country-2", "Russia", "RUS")
        assert page.input_value("#country-1") == "Iran (IRN)"
        page.click("text=Open the brief")
        page.wait_for_url("**/pair/IRN/RUS?year=2019")
        page.wait_for_selector("#sec-history", timeout=60_000)
        assert page.title().startswith("Iran – Russia")
        n = _charts(page, 5)
        for key in ("history", "peers", "gap", "decomposition", "politics", "scenarios"):
            assert page.query_selector(f"#sec-{key} figure .chart svg"), key
        _all_inputs_labelled(page)
        # the scenario panel: move the cost slider, the GE result changes
        kpi = page.locator("[data-measure='pair trade']")
        kpi.wait_for(timeout=60_000)
        before = kpi.inner_text()
        assert before.startswith("+")
        page.focus("#cost-slider")
        for _ in range(4):
            page.keyboard.press("ArrowRight")  # -20% → 0%
        assert page.inner_text("#cost-value") == "0%"
        page.wait_for_function(
            "b => { const e = document.querySelector(\"[data-measure='pair trade']\"); return e && e.innerText !== b; }",
            arg=before, timeout=60_000,
        )
        after = kpi.inner_text()
        assert after != before and after in ("0.000%", "+0.000%", "-0.000%", "0.00%")
        page.click("text=Free-trade agreement between the two")
        page.wait_for_function("() => document.querySelector('#scenario-result strong')?.innerText.startsWith('FTA')",
                               timeout=60_000)
        page.screenshot(path=str(shots / "web-pair.png"), full_page=True)
        assert n >= 5
    assert p.errors == [] and p.external == []


def test_keyboard_only_reaches_the_brief(browser, server):
    p = Page(browser, server)
    with p as page:
        page.goto(server + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "country-1":
                break
        assert page.evaluate("document.activeElement.id") == "country-1"
        page.keyboard.type("Russia")
        page.wait_for_selector("#country-1-list li")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.type("iran")
        page.wait_for_selector("#country-2-list li")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # year
        page.keyboard.press("Tab")  # the button
        page.keyboard.press("Enter")
        page.wait_for_url("**/pair/RUS/IRN?year=2019")
        page.wait_for_selector("#sec-history figure svg", timeout=60_000)
    assert p.errors == []


def test_article_check_highlights_claims(browser, server, shots):
    p = Page(browser, server)
    with p as page:
        page.goto(server + "/read")
        _all_inputs_labelled(page)
        page.fill("#article-text", ARTICLE.read_text(encoding="utf-8"))
        page.click("text=Check the article")
        # the first reading in a session builds the persisted world model (minutes on a loaded 2-core machine)
        page.wait_for_selector("#main-pair", timeout=600_000)
        assert page.inner_text("#main-pair") == "IRN – RUS"
        marks = page.query_selector_all("#article-view mark.claim")
        assert len(marks) >= 4
        verdicts = {m.get_attribute("class") for m in marks}
        assert any("v-consistent" in v for v in verdicts)
        # a highlighted claim leads to its check
        marks[0].focus()
        card_id = marks[0].get_attribute("aria-describedby")
        assert "active" in page.get_attribute(f"#{card_id}", "class")
        assert page.inner_text(f"#{card_id}").strip()
        page.screenshot(path=str(shots / "web-article.png"), full_page=True)
    assert p.errors == [] and p.external == []


def test_country_page_ranked_chart_and_map(browser, server, shots):
    p = Page(browser, server)
    with p as page:
        page.goto(server + "/country/Russia?year=2019")
        page.wait_for_selector("text=Untapped trade: Russia, 2019", timeout=60_000)
        _charts(page, 2)
        page.wait_for_function("document.querySelectorAll('figure .chart svg path').length > 100")  # the map's countries
        page.check("input[value=ratio]")
        page.wait_for_selector("text=World map: actual ÷ potential trade with Russia")
        _charts(page, 2)
        page.screenshot(path=str(shots / "web-country.png"), full_page=True)
    assert p.errors == [] and p.external == []


def test_docs_work_with_the_network_blocked(browser, server, shots):
    p = Page(browser, server)
    with p as page:
        page.goto(server + "/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        text = page.inner_text("body")
        for op in ("/api/brief/{a}/{b}", "/api/untapped/{country}", "/api/scenarios", "/api/read", "/api/countries"):
            assert op in text, op
        assert len(page.query_selector_all(".opblock")) >= 14
        page.screenshot(path=str(shots / "web-docs.png"))
    assert p.external == [] and p.errors == []


def test_phone_width_400px(browser, server, shots):
    p = Page(browser, server, width=400, height=800)
    with p as page:
        page.goto(server + "/pair/IRN/RUS?year=2019")
        page.wait_for_selector("#sec-history figure svg", timeout=60_000)
        _charts(page, 3)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 402, f"page is {overflow}px wide on a 400px screen"
        page.screenshot(path=str(shots / "web-phone-400.png"), full_page=False)
        page.goto(server + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 402
        page.screenshot(path=str(shots / "web-phone-home-400.png"))
    assert p.errors == []


def test_error_page_is_readable(browser, server):
    p = Page(browser, server)
    with p as page:
        resp = page.goto(server + "/country/Atlantis")
        assert resp.status == 404
        assert "Atlantis" in page.inner_text("main") and page.query_selector("a[href='/']")
        page.goto(server + "/pair/IRN/RUS?year=2050")
        page.wait_for_selector(".error-box", timeout=30_000)
        assert "2050" in page.inner_text(".error-box")
