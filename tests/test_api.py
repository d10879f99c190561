"""The FastAPI app: JSON endpoints and the HTML brief, through fastapi's TestClient."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("httpx")
with warnings.catch_warnings():  # starlette's notice about httpx vs httpx2 (not ours)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from tradegap.api import app as api_module  # noqa: E402
from tradegap.cache import CACHE  # noqa: E402


@pytest.fixture
def client(monkeypatch):
    from test_brief import install_fakes

    install_fakes(monkeypatch)
    CACHE.clear()  # briefs built on the fakes must not outlive them
    yield TestClient(api_module.app)
    CACHE.clear()  # briefs built on the fakes must not outlive them


def test_health_and_index(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = client.get("/")
    assert r.status_code == 200 and "tradegap" in r.text
    assert client.get("/openapi.json").json()["info"]["title"] == "tradegap"


def test_brief_json_and_html(client):
    r = client.get("/api/brief/IRN/RUS", params={"year": 2019})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"] == "IRN" and d["unit"] == "USD millions"
    assert [s["key"] for s in d["sections"]][0] == "summary"
    r = client.get("/brief/IRN/RUS")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'id="chart-history"' in r.text and "<script" not in r.text


def test_potential_json(client):
    r = client.get("/api/potential/IRN/RUS", params={"year": 2019})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["directions"][0]["structural"]["ratio"] == pytest.approx(0.3)


def test_errors_are_json(client):
    r = client.get("/api/brief/Atlantis/RUS")
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "UnknownCountryError" and body["message"]
    r = client.get("/api/brief/IRN/IRN")
    assert r.status_code == 400 and "two different countries" in r.json()["message"]
    r = client.get("/api/potential/IRN/RUS", params={"year": 1995})
    assert r.status_code == 404 and "1995" in r.json()["message"]
    assert client.get("/api/brief/IRN/RUS", params={"year": 3000}).status_code == 422


def test_trade_and_peers_on_embedded_data(client):
    r = client.get("/api/trade/IRN/RUS", params={"years": "2019"})
    assert r.status_code == 200, r.text
    flows = {(f["exporter"], f["importer"]): f["value"] for f in r.json()["flows"]}
    assert flows[("RUS", "IRN")] == pytest.approx(1196.9, rel=1e-3)
    r = client.get("/api/peers/RUS/IRN", params={"year": 2019, "n": 5})
    assert r.status_code == 200, r.text
    assert r.json()["partner"] == "IRN"
