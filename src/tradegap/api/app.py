"""A small FastAPI app: JSON endpoints for trade, peers, potential and the brief, and the HTML brief.

Run with ``uvicorn tradegap.api.app:app``.  Endpoints return the same objects the
CLI renders (``to_dict()`` of the library's results); the OpenAPI schema is at
``/docs``.  A :class:`~tradegap.errors.TradegapError` becomes a JSON error with the
message and hint: 404 for an unknown country or missing coverage, 400 otherwise.
"""

from __future__ import annotations

import html as _html
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from tradegap import __version__
from tradegap._json import jsonable
from tradegap.errors import CoverageError, TradegapError, UnknownCountryError

__all__ = ["app"]

app = FastAPI(
    title="tradegap",
    version=__version__,
    description=(
        "How much more could two countries trade, why don't they, and what would change it? "
        "All trade values in USD millions (current prices)."
    ),
)



@app.exception_handler(TradegapError)
async def _tradegap_error(_request: Request, exc: TradegapError) -> JSONResponse:
    status = 404 if isinstance(exc, (UnknownCountryError, CoverageError)) else 400
    return JSONResponse(
        status_code=status,
        content={"error": type(exc).__name__, "message": exc.message, "hint": exc.hint},
    )


def _brief(a: str, b: str, year: int):
    """The brief for (a, b, year), from the one result cache (:mod:`tradegap.cache`).

    The key carries the default store's fingerprint, so an ingest makes the next request
    compute the brief on the new data.
    """
    from tradegap.brief import pair_brief
    from tradegap.cache import CACHE, store_fingerprint
    from tradegap.store import Store

    with Store() as st:
        fp = store_fingerprint(st)
    return CACHE.get_or_compute(fp, ("brief", a.upper(), b.upper(), int(year)), lambda: pair_brief(a, b, year=year))


YEAR = Query(2019, ge=1948, le=2100, description="Reference year.")


@app.get("/api/health")
def health() -> dict[str, str]:
    """Liveness check and version."""
    return {"status": "ok", "version": __version__}


@app.get("/api/trade/{a}/{b}")
def trade(
    a: str,
    b: str,
    source: str = Query("dots", description="Flow dataset: dots (IMF DOTS) or baci (CEPII BACI)."),
    years: str | None = Query(None, description="One year, a range '2000-2020' or a comma list; default all."),
) -> dict[str, Any]:
    """Yearly trade between ``a`` and ``b``, both directions (USD millions)."""
    from tradegap.measure import trade as _trade

    yrs: Any = years
    if years and "," in years:
        yrs = [int(y) for y in years.split(",") if y.strip()]
    return jsonable(_trade(a, b, source=source, years=yrs).to_dict())


@app.get("/api/peers/{country}/{partner}")
def peers(
    country: str,
    partner: str,
    year: int = YEAR,
    n: int = Query(10, ge=1, le=100, description="How many comparable partners."),
) -> dict[str, Any]:
    """Where ``partner`` ranks among ``country``'s partners, and who trades as much."""
    from tradegap.measure import peers as _peers

    return jsonable(_peers(country, partner, year=year, n=n).to_dict())


@app.get("/api/potential/{a}/{b}")
def potential(a: str, b: str, year: int = YEAR) -> dict[str, Any]:
    """Actual, structural and size-based potential with bands and ratios (USD millions)."""
    from tradegap.brief import pair_potential

    return jsonable(pair_potential(a, b, year=year).to_dict())


@app.get("/api/brief/{a}/{b}")
def brief(a: str, b: str, year: int = YEAR) -> dict[str, Any]:
    """The whole pair brief as JSON (sections with text, tables and chart data)."""
    return jsonable(_brief(a, b, year).to_dict())


@app.get("/brief/{a}/{b}", response_class=HTMLResponse)
def brief_html(a: str, b: str, year: int = YEAR) -> HTMLResponse:
    """The pair brief as one self-contained HTML page."""
    from tradegap.report.html import render_html

    return HTMLResponse(render_html(_brief(a, b, year)))


@app.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    """A minimal page with a form asking for two countries."""
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>tradegap</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:60px auto;padding:0 20px;color:#1d2733}}
input{{font:inherit;padding:6px 8px;width:7em;margin-right:8px}}button{{font:inherit;padding:6px 14px;background:#1f4e79;color:#fff;border:0;border-radius:4px}}</style>
</head><body><h1>tradegap</h1><p>How much more could two countries trade? Enter two countries (name or ISO3 code).</p>
<form onsubmit="location.href='/brief/'+encodeURIComponent(this.a.value)+'/'+encodeURIComponent(this.b.value)+'?year='+this.y.value;return false">
<input name="a" value="IRN" aria-label="first country"><input name="b" value="RUS" aria-label="second country">
<input name="y" value="2019" type="number" aria-label="year"><button>Brief</button></form>
<p>JSON: <code>/api/trade/IRN/RUS</code>, <code>/api/peers/RUS/IRN</code>, <code>/api/potential/IRN/RUS</code>,
<code>/api/brief/IRN/RUS</code>; API docs at <a href="/docs">/docs</a>. tradegap {_html.escape(__version__)}</p>
</body></html>"""
    return HTMLResponse(page)
