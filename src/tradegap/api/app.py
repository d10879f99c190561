"""The FastAPI app: the JSON API under ``/api``, the web UI at ``/``, offline API docs at ``/docs``.

Run with ``tradegap serve`` (or ``uvicorn tradegap.api.app:app``).  Everything is served
from the package: the UI's scripts, the chart library (Vega, Vega-Lite), the world map and
Swagger UI are vendored under ``static/vendor`` (see its ``PROVENANCE.md``), so the app
works without a network.

Answers come from :class:`~tradegap.api.service.Service` (cached, computed once per key);
every error has one JSON shape (:mod:`tradegap.api.errors`), or a readable page for pages.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradegap import __version__
from tradegap.api.cache import await_flight
from tradegap.api.errors import error_response, install_handlers
from tradegap.api.routes import DATA_YEARS, router
from tradegap.api.service import Service, warm

__all__ = ["MAX_BODY_BYTES", "app", "create_app"]

STATIC = Path(__file__).parent / "static"
#: Largest request body accepted (an article upload); larger bodies get 413.
MAX_BODY_BYTES = 1 << 20


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes with 413, before reading them whole."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, receive, send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return msg

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        req = Request(scope, receive)
        resp = error_response(
            req, 413, "PayloadTooLarge", f"The request body is larger than {self.limit // 1024:,} KiB.",
            hint="Send the article's text only (an article is rarely over 100 KiB).",
        )
        await resp(scope, receive, send)


class _TooLarge(Exception):
    pass


#: The UI's own small files, served from memory (the vendored libraries go through StaticFiles).
_SMALL = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}


def _small_assets(app: FastAPI) -> None:
    """Routes for :data:`_SMALL`: bytes read once, answered without touching the disk."""
    def route_for(body: bytes, media: str) -> Callable[[], Awaitable[Response]]:
        async def asset() -> Response:
            return Response(body, media_type=media, headers={"Cache-Control": "public, max-age=300"})

        return asset

    for name, media in _SMALL.items():
        app.add_api_route(f"/static/{name}", route_for((STATIC / name).read_bytes(), media), methods=["GET"],
                          include_in_schema=False)


def _shell() -> bytes:
    return (STATIC / "index.html").read_bytes()


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # the country list takes seconds to build: build it before the first search needs it
    threading.Thread(target=warm, name="tradegap-warm", daemon=True).start()
    yield


def create_app(db: str | Path | None = None, *, workers: int = 2) -> FastAPI:
    """A new app answering from the store at ``db`` (default: the library's default store / embedded data)."""
    app = FastAPI(
        title="tradegap",
        version=__version__,
        description=(
            "How much more could two countries trade, why don't they, and what would change it? "
            "Trade values are USD millions (current prices) unless a response says otherwise. "
            "Countries are names or ISO3 codes. Every error has the same JSON shape (error, message, hint, "
            "status). Slow answers (potential, brief, untapped, scenarios, read) take `wait=false` to answer "
            "at once with 202 and progress while they compute; poll the same URL."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.service = Service(db, workers=workers)

    install_handlers(app)
    app.add_middleware(BodyLimit)
    app.include_router(router)
    _small_assets(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    shell = _shell()

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="tradegap API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    favicon = (STATIC / "favicon.svg").read_bytes()

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon_ico() -> Response:
        return Response(favicon, media_type="image/svg+xml")

    def page() -> Response:
        return Response(shell, media_type="text/html; charset=utf-8")

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return page()

    @app.get("/read", include_in_schema=False)
    async def read_page() -> Response:
        return page()

    @app.get("/world", include_in_schema=False)
    async def world_page() -> Response:
        return page()

    @app.get("/country/{c}", include_in_schema=False)
    async def country_page(request: Request, c: str) -> Response:
        request.app.state.service.iso3(c)  # an unknown country gets the readable 404 page
        return page()

    @app.get("/pair/{a}/{b}", include_in_schema=False)
    async def pair_page(request: Request, a: str, b: str) -> Response:
        request.app.state.service.pair(a, b)
        return page()

    @app.get("/brief/{a}/{b}", include_in_schema=False)
    async def brief_html(request: Request, a: str, b: str, year: int = 2019) -> Response:
        lo, hi = DATA_YEARS
        if not lo <= year <= hi:
            return error_response(request, 404, "CoverageError", f"There are no trade data for {year}.",
                                  hint=f"Choose a year within {lo}–{hi}.")
        out = request.app.state.service.brief_html(a, b, year, wait=False)
        html = out if isinstance(out, bytes) else await await_flight(out.flight)
        return Response(html, media_type="text/html; charset=utf-8")

    return app


def _from_env() -> FastAPI:
    """The app for ``uvicorn tradegap.api.app:app``: ``$TRADEGAP_DB`` picks the store."""
    db: Any = os.environ.get("TRADEGAP_DB") or None
    return create_app(db, workers=int(os.environ.get("TRADEGAP_COMPUTE_THREADS", "2")))


app = _from_env()

