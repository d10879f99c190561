"""The JSON API through FastAPI's TestClient: every route, each error case, caching and single-flight.

Cheap answers (trade, peers, countries, sanctions, politics, scenarios, short articles) run on the
embedded data; the slow ones (potential, brief, untapped) run on the brief's synthetic components
(``test_brief.install_fakes``) or a synthetic ranking, so the suite stays fast.  The full brief on
real data is in the slow tests at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

pytest.importorskip("httpx")
pytest.importorskip("multipart")
with warnings.catch_warnings():  # starlette's notice about httpx vs httpx2 (not ours)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tradegap.api.app import create_app
from tradegap.api.cache import SingleFlightCache

ARTICLE = Path(__file__).parent / "data" / "articles" / "iran-russia-ties-2022.txt"
ERROR_KEYS = {"error", "message", "hint", "status"}
SERVER_PATH_MARKERS = ("/work/", "/tmp/", "site-packages", ".venv", "/home/", "/root/", "/usr/")


def _no_server_path(text: str) -> None:
    for marker in SERVER_PATH_MARKERS:
        assert marker not in text, f"server path leaked ({marker}): {text[:300]}"


def _error(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:500])
    body = r.json()
    assert set(body) == ERROR_KEYS and body["status"] == status and body["message"], body
    _no_server_path(r.text)
    return body


@pytest.fixture
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def install_fast_fakes(monkeypatch) -> None:
    """The brief's synthetic components (``test_brief.install_fakes``), and no world model to build for them."""
    from test_brief import install_fakes
    from tradegap import world

    install_fakes(monkeypatch)
    # a world model without a file: the brief holds no connection to it
    monkeypatch.setattr(world, "prime", lambda *_a, **_k: SimpleNamespace(path=":memory:"))


@pytest.fixture
def fake_client(monkeypatch):
    """The app with the brief's components replaced by synthetic data (fast potential and brief)."""
    install_fast_fakes(monkeypatch)
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def _fake_untapped(monkeypatch, calls: list | None = None):
    from tradegap import world
    from tradegap.potential.results import UntappedRanking

    def fake(country, *, year=None, top=20, store=None, progress=None, **_k):
        if calls is not None:
            calls.append(country)
        t = pd.DataFrame({
            "rank": [1, 2], "partner": ["CHN", "DEU"], "partner_name": ["China", "Germany"],
            "exports_actual": [10.0, 5.0], "exports_potential": [30.0, 9.0], "imports_actual": [4.0, 2.0],
            "imports_potential": [8.0, 3.0], "actual": [14.0, 7.0], "potential": [38.0, 12.0],
            "untapped": [24.0, 5.0], "ratio": [14 / 38, 7 / 12],
        }).head(top)
        return UntappedRanking(country=country, year=year, table=t, spec={"mode": "synthetic"}, notes=("synthetic",))

    monkeypatch.setattr(world, "untapped", fake)


# ------------------------------------------------------------------------------------------ schema
def test_openapi_documents_every_route_and_error(client):
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "tradegap"
    paths = spec["paths"]
    expected = {
        "/api/health", "/api/countries", "/api/trade/{a}/{b}", "/api/peers/{country}/{partner}",
        "/api/potential/{a}/{b}", "/api/sectors/{a}/{b}", "/api/sanctions/{a}", "/api/sanctions/{a}/{b}",
        "/api/politics/{a}/{b}", "/api/brief/{a}/{b}", "/api/untapped", "/api/untapped/{country}",
        "/api/scenarios", "/api/read",
    }
    assert expected == set(paths)
    for path, ops in paths.items():
        for method, op in ops.items():
            for code in ("400", "404", "413", "422", "503"):
                assert code in op["responses"], (method, path, code)
                ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), (path, code, ref)
            ok = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in ok, (path, "200 must have a response model")
    assert "ErrorBody" in spec["components"]["schemas"]


def test_health_and_method_not_allowed(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    body = _error(client.post("/api/health"), 405)
    assert body["error"] == "MethodNotAllowed"
    assert _error(client.get("/api/no-such-thing"), 404)["error"] == "NotFound"


# ------------------------------------------------------------------------------------------ countries
def test_countries_search_by_name_alias_and_code(client):
    def first(q):
        r = client.get("/api/countries", params={"q": q, "limit": 5})
        assert r.status_code == 200, r.text
        return r.json()["countries"][0]

    assert first("iran")["iso3"] == "IRN"
    assert first("Russian Federation")["iso3"] == "RUS"
    assert first("RUS")["iso3"] == "RUS"
    assert first("cote d'ivoire")["iso3"] == "CIV"
    iran = first("Iran")
    assert iran["numeric"] == 364 and iran["has_data"] is True
    everything = client.get("/api/countries", params={"limit": 300}).json()
    assert everything["count"] > 150
    assert client.get("/api/countries", params={"q": "zzzzqq"}).json()["count"] == 0
    _error(client.get("/api/countries", params={"limit": 0}), 422)
    _error(client.get("/api/countries", params={"q": "x" * 81}), 422)


# ------------------------------------------------------------------------------------------ measure
def test_trade_by_name_equals_by_code(client):
    r = client.get("/api/trade/Iran/Russia", params={"years": "2019"})
    assert r.status_code == 200, r.text
    d = r.json()
    flows = {(f["exporter"], f["importer"]): f["value"] for f in d["flows"]}
    assert flows[("RUS", "IRN")] == pytest.approx(1196.9, rel=1e-3)
    assert d["unit"] == "USD" and d["scale"] == "millions"
    assert client.get("/api/trade/IRN/RUS", params={"years": "2019"}).json() == d
    r = client.get("/api/trade/IRN/RUS", params={"years": "2018-2019", "source": "baci"})
    assert r.status_code == 200 and {f["year"] for f in r.json()["flows"]} == {2018, 2019}


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"years": "2019,abc"}, 400, "abc"),
        ({"years": "2000-99999999"}, 404, "2100"),
        ({"years": "1950-1960"}, 404, "IMF DOTS"),
        ({"years": "2019-2010"}, 400, "2019-2010"),
        ({"source": "comtrade"}, 422, "source"),
        ({"years": "1" * 101}, 422, "years"),
    ],
)
def test_trade_bad_parameters(client, params, status, words):
    body = _error(client.get("/api/trade/IRN/RUS", params=params), status)
    assert words in body["message"]
    assert body["hint"]


def test_trade_unknown_and_same_country(client):
    body = _error(client.get("/api/trade/Atlantis/RUS"), 404)
    assert body["error"] == "UnknownCountryError" and "Atlantis" in body["message"]
    body = _error(client.get("/api/trade/IRN/Iran"), 400)
    assert "two different countries" in body["message"]


def test_peers(client):
    r = client.get("/api/peers/RUS/IRN", params={"year": 2019, "n": 5})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["partner"] == "IRN" and d["rank"] == 56 and d["n_partners"] == 202
    assert any(p["is_partner"] for p in d["peers"])
    _error(client.get("/api/peers/RUS/IRN", params={"year": 1960}), 404)
    _error(client.get("/api/peers/RUS/IRN", params={"n": 0}), 422)
    _error(client.get("/api/peers/RUS/IRN", params={"year": "abc"}), 422)


# ------------------------------------------------------------------------------------------ potential, brief
def test_potential_and_pending_progress(fake_client):
    r = fake_client.get("/api/potential/Iran/Russia", params={"year": 2019})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["directions"][0]["structural"]["ratio"] == pytest.approx(0.3)
    # cached: wait=false answers 200 at once
    assert fake_client.get("/api/potential/IRN/RUS", params={"wait": "false"}).status_code == 200
    _error(fake_client.get("/api/potential/IRN/RUS", params={"year": 2050}), 404)
    _error(fake_client.get("/api/potential/IRN/RUS", params={"year": 12345}), 422)


def test_a_failed_job_is_reported_to_pollers_not_restarted():
    """A poller (wait=false) asking after a failure gets the failure, not a new 'running' job each time."""
    from tradegap.api.cache import SingleFlightCache

    cache: SingleFlightCache[bytes] = SingleFlightCache(workers=1)
    calls = []

    def boom(_progress):
        calls.append(1)
        raise RuntimeError("no data")

    fl = cache.flight("k", boom)
    with pytest.raises(RuntimeError):
        fl.future.result(timeout=5)
    again = cache.flight("k", boom, reuse_failed=True)
    assert again is fl and again.future.done() and len(calls) == 1
    cache.failed_ttl = 0.0  # after the grace period the key is computed afresh
    with pytest.raises(RuntimeError):
        cache.flight("k", boom, reuse_failed=True).future.result(timeout=5)
    assert len(calls) == 2


def test_brief_wait_false_polls_to_the_answer(fake_client, monkeypatch):
    import tradegap.brief as B

    real = B.pair_brief

    def slow(*a, **k):
        time.sleep(0.5)
        return real(*a, **k)

    monkeypatch.setattr(B, "pair_brief", slow)
    r = fake_client.get("/api/brief/IRN/RUS", params={"year": 2019, "wait": "false"})
    assert r.status_code == 202 and r.headers["retry-after"] == "1"
    p = r.json()
    assert p["status"] == "running" and "step" in p
    for _ in range(100):
        r = fake_client.get("/api/brief/IRN/RUS", params={"year": 2019, "wait": "false"})
        if r.status_code == 200:
            break
        assert r.status_code == 202
        time.sleep(0.1)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"] == "IRN" and d["unit"] == "USD millions"
    assert d["sections"][0]["key"] == "summary"
    charts = [s["chart"] for s in d["sections"] if s["chart"]]
    assert {c["kind"] for c in charts} >= {"history", "bars", "politics"}


def test_brief_errors(fake_client):
    body = _error(fake_client.get("/api/brief/Atlantis/RUS"), 404)
    assert body["error"] == "UnknownCountryError"
    _error(fake_client.get("/api/brief/IRN/IRN"), 400)
    body = _error(fake_client.get("/api/brief/IRN/RUS", params={"year": 2050}), 404)
    assert "2050" in body["message"] and "1990" in body["hint"]
    body = _error(fake_client.get("/api/brief/IRN/RUS", params={"year": "abc"}), 422)
    assert "'year'" in body["message"] and "abc" in body["message"] and "detail" not in body
    _error(fake_client.get("/api/brief/IRN/RUS", params={"wait": "maybe"}), 422)


def test_brief_html_page(fake_client):
    r = fake_client.get("/brief/IRN/RUS")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'id="chart-history"' in r.text
    r = fake_client.get("/brief/IRN/RUS", params={"year": 2050})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "2050" in r.text and "<pre" not in r.text


def test_concurrent_uncached_brief_is_computed_once(monkeypatch):
    import tradegap.brief as B

    install_fast_fakes(monkeypatch)
    real = B.pair_brief
    calls = []

    def counted(*a, **k):
        calls.append(a)
        time.sleep(0.3)
        return real(*a, **k)

    monkeypatch.setattr(B, "pair_brief", counted)
    app = create_app()
    svc = app.state.service
    results, errors = [], []

    def ask(name):
        try:
            results.append(svc.brief(name, "RUS", 2019))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=("Iran" if i % 2 else "IRN",)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(calls) == 1 and svc.cache.computed == 1
    assert len(set(results)) == 1 and len(results) == 10


def test_cache_is_thread_safe_under_eviction():
    cache: SingleFlightCache[bytes] = SingleFlightCache(maxsize=4, workers=2)
    errors = []

    def worker(k):
        try:
            for i in range(200):
                key = (k + i) % 9
                assert cache.get(key, lambda _p, key=key: str(key).encode()) == str(key).encode()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(cache) <= 4


def test_a_client_going_away_does_not_cancel_the_shared_computation():
    import asyncio

    from tradegap.api.cache import await_flight

    cache: SingleFlightCache[bytes] = SingleFlightCache(maxsize=4, workers=1)

    def slow(_p):
        time.sleep(0.3)
        return b"answer"

    async def scenario():
        fl = cache.flight("k", slow)
        gone = asyncio.ensure_future(await_flight(fl))
        stays = asyncio.ensure_future(await_flight(fl))
        await asyncio.sleep(0.05)
        gone.cancel()
        assert await stays == b"answer"
        assert gone.cancelled() and not fl.future.cancelled()

    asyncio.run(scenario())
    assert cache.peek("k") == b"answer"


def test_failed_computation_is_not_cached():
    cache: SingleFlightCache[bytes] = SingleFlightCache(maxsize=4, workers=1)
    n = []

    def flaky(_p):
        n.append(1)
        if len(n) == 1:
            raise ValueError("first try fails")
        return b"ok"

    with pytest.raises(ValueError):
        cache.get("k", flaky)
    assert cache.get("k", flaky) == b"ok" and len(n) == 2


# ------------------------------------------------------------------------------------------ untapped
def test_untapped_country_and_errors(client, monkeypatch):
    calls: list = []
    _fake_untapped(monkeypatch, calls)
    r = client.get("/api/untapped/Russia", params={"top": 1})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["country"] == "RUS" and [t["partner"] for t in d["table"]] == ["CHN"]
    client.get("/api/untapped/RUS", params={"top": 1})
    assert calls == ["RUS"]  # by name and by code: one computation
    _error(client.get("/api/untapped/Atlantis"), 404)
    _error(client.get("/api/untapped/RUS", params={"top": 0}), 422)
    _error(client.get("/api/untapped/RUS", params={"top": 100000}), 422)


def test_world_untapped_errors(client):
    _error(client.get("/api/untapped", params={"top": 0}), 422)
    body = _error(client.get("/api/untapped", params={"year": 1960}), 404)
    assert "2000" in body["message"] + (body["hint"] or "")


# ------------------------------------------------------------------------------------------ policy
def test_sanctions_and_politics(client):
    r = client.get("/api/sanctions/IRN/RUS")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["scope"] == "pair" and d["count"] == len(d["cases"]) > 0
    wide = client.get("/api/sanctions/Iran/Russia", params={"scope": "targets"}).json()
    assert wide["count"] >= d["count"]
    one = client.get("/api/sanctions/IRN").json()
    assert one["b"] is None and one["count"] >= d["count"]
    _error(client.get("/api/sanctions/IRN/RUS", params={"scope": "all"}), 422)
    _error(client.get("/api/sanctions/Narnia"), 404)
    r = client.get("/api/politics/IRN/RUS", params={"years": "2015-2019"})
    assert r.status_code == 200, r.text
    assert [y["year"] for y in r.json()["years"]] == [2015, 2016, 2017, 2018, 2019]
    _error(client.get("/api/politics/IRN/RUS", params={"years": "abc"}), 400)


def test_sectors(client):
    r = client.get("/api/sectors/IRN/RUS")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"] == "IRN" and d["unit"] == "USD" and d["scale"] == "millions" and len(d["sectors"]) >= 5
    _error(client.get("/api/sectors/IRN/RUS", params={"year": 2050}), 404)


# ------------------------------------------------------------------------------------------ scenarios
COST = {
    "name": "cost", "year": 2019, "pair": ["IRN", "RUS"], "costs": "calibrated", "data": {"source": "baci"},
    "change": [{"type": "scale", "percent": -20, "between": [["IRN"], ["RUS"]]}],
}


def test_scenario_cost_cut_raises_pair_trade(client):
    r = client.post("/api/scenarios", json=COST)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["pair"]["a"] == "IRN" and d["pair"]["trade_change_pct"] > 100
    half = client.post("/api/scenarios", json={**COST, "change": [{**COST["change"][0], "percent": -10}]}).json()
    assert 0 < half["pair"]["trade_change_pct"] < d["pair"]["trade_change_pct"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({**COST, "data": {"file": "/etc/passwd"}}, "source"),
        ({k: v for k, v in COST.items() if k != "year"}, "year"),
        ({**COST, "sigma": 1.0}, "sigma"),
        ({**COST, "colour": "red"}, "colour"),
        ({**COST, "change": []}, "change"),
        ([1, 2], "object"),
    ],
)
def test_scenario_bad_specs(client, body, words):
    msg = _error(client.post("/api/scenarios", json=body), 400)["message"]
    assert words in msg


def test_scenario_not_json(client):
    body = _error(client.post("/api/scenarios", content=b"name = 'toml'", headers={"content-type": "application/json"}),
                  400)
    assert "JSON" in body["message"]


# ------------------------------------------------------------------------------------------ read
SHORT = "Iran and Russia traded about $2 billion of goods in 2019, officials in Tehran said."


def test_read_json_text_plain_and_upload(client):
    r = client.post("/api/read", json={"text": SHORT})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["main_pair"] in (["IRN", "RUS"], ["RUS", "IRN"])
    assert d["text"] == SHORT
    for c in d["claims"]:
        assert d["text"][c["start"]:c["end"]] == c["quote"]
    r2 = client.post("/api/read", content=SHORT.encode(), headers={"content-type": "text/plain"})
    assert r2.status_code == 200 and r2.json()["main_pair"] == d["main_pair"]
    html = f"<html><head><title>T</title></head><body><p>{SHORT}</p><script>x()</script></body></html>"
    r3 = client.post("/api/read", files={"file": ("news.html", html.encode(), "text/html")}, data={"year": "2019"})
    assert r3.status_code == 200, r3.text
    d3 = r3.json()
    assert d3["was_html"] is True and "x()" not in d3["text"] and d3["year"] == 2019
    assert d3["origin"] == "uploaded file news.html"


def test_read_errors(client):
    _error(client.post("/api/read", json={"text": "   "}), 400)
    _error(client.post("/api/read", json={"txt": SHORT}), 422)
    _error(client.post("/api/read", json={"text": SHORT, "year": 3000}), 422)
    _error(client.post("/api/read", content=b"{", headers={"content-type": "application/json"}), 422)
    _error(client.post("/api/read", content=SHORT.encode(), headers={"content-type": "image/png"}), 415)
    _error(client.post("/api/read", files={"other": ("a.txt", b"x")}), 400)
    _error(client.post("/api/read", files={"file": ("a.exe", b"x")}), 400)
    _error(client.post("/api/read", files={"file": ("a.txt", SHORT.encode())}, data={"year": "soon"}), 400)
    big = b"Iran " * 300_000
    body = _error(client.post("/api/read", content=big, headers={"content-type": "text/plain"}), 413)
    assert body["error"] == "PayloadTooLarge"

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(40):
            yield b"x" * 65536

    _error(client.post("/api/read", content=chunks(), headers={"content-type": "text/plain"}), 413)


# ------------------------------------------------------------------------------------------ store busy
def test_locked_store_answers_503_without_internals(tmp_path):
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         ("import duckdb, sys; con = duckdb.connect(sys.argv[1]); con.execute('CREATE TABLE t (x INT)'); "
          "print('ready', flush=True); sys.stdin.read()"), str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with TestClient(create_app(db), raise_server_exceptions=False) as c:
            r = c.get("/api/trade/IRN/RUS", params={"years": "2019"})
            body = _error(r, 503)
            assert r.headers["retry-after"] == "5" and body["error"] == "StoreBusy"
            assert "pid" not in r.text.lower() and str(holder.pid) not in r.text and "locked" not in r.text
            assert c.get("/api/health").status_code == 200
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# ------------------------------------------------------------------------------------------ pages
def test_pages_and_error_pages(client):
    for url in ("/", "/country/IRN", "/country/Iran", "/pair/Iran/Russia", "/read", "/world"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), url
        assert 'src="/static/app.js"' in r.text
    for url, status in (("/country/Atlantis", 404), ("/pair/IRN/IRN", 400), ("/no/such/page", 404),
                        ("/brief/IRN/RUS?year=abc", 422)):
        r = client.get(url)
        assert r.status_code == status and r.headers["content-type"].startswith("text/html"), url
        assert "<h1>" in r.text and "Back to tradegap" in r.text and "Traceback" not in r.text
        _no_server_path(r.text)


def test_docs_are_served_locally(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in r.text
    assert "cdn" not in r.text.lower() and "https://" not in r.text.replace("https://fastapi.tiangolo.com", "")
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "vendor/vega/vega.min.js",
                  "vendor/vega-lite/vega-lite.min.js", "vendor/world-atlas/countries-110m.json", "app.js", "app.css"):
        assert client.get(f"/static/{asset}").status_code == 200, asset


def test_no_external_urls_in_the_ui(client):
    for asset in ("/", "/static/app.js", "/static/app.css"):
        text = client.get(asset).text
        assert "http://" not in text and "https://" not in text, asset


# ------------------------------------------------------------------------------------------ real data (slow)
@pytest.mark.slow
def test_real_brief_potential_untapped_and_article(client):
    r = client.get("/api/potential/IRN/RUS", params={"year": 2019})
    assert r.status_code == 200, r.text
    ab = r.json()["directions"][0]
    assert ab["actual"] == pytest.approx(559.6, rel=1e-3)
    r = client.get("/api/brief/IRN/RUS", params={"year": 2019})
    assert r.status_code == 200, r.text
    assert all(s["status"] == "ok" for s in r.json()["sections"])
    r = client.get("/api/untapped/RUS", params={"top": 5})
    assert r.status_code == 200 and len(r.json()["table"]) == 5
    w = client.get("/api/untapped", params={"top": 10}).json()
    assert len(w["table"]) == 10 and w["table"][0]["untapped"] >= w["table"][-1]["untapped"]
    r = client.post("/api/read", json={"text": ARTICLE.read_text(encoding="utf-8")})
    assert r.status_code == 200 and r.json()["main_pair"] == ["IRN", "RUS"]
    json.dumps(r.json())


# ------------------------------------------------------------------------------------------ tradegap serve
def _tradegap(*args: str, **kw) -> subprocess.Popen | subprocess.CompletedProcess:
    """Run the console entry point (this tree's code) as a subprocess."""
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80"}
    cmd = [sys.executable, "-c", "from tradegap.cli import main; main()", *args]
    if kw.pop("background", False):
        return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--port", "0"], "1-65535"), (["--workers", "0"], "--workers"), (["--db", "no-such.duckdb"], "does not exist")],
)
def test_serve_refuses_bad_options(args, words):
    res = _tradegap("serve", *args)
    assert res.returncode == 2, res.stderr
    assert "Error:" in res.stderr and "Hint:" in res.stderr and words in res.stderr
    assert "Traceback" not in res.stderr


def test_serve_answers_on_its_port():
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _tradegap("serve", "--port", str(port), background=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    assert json.loads(r.read())["status"] == "ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "tradegap serve did not answer within 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert b"/static/app.js" in r.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
