"""One error shape for every route: ``{"error", "message", "hint", "status"}``, documented in OpenAPI.

* :class:`~tradegap.errors.TradegapError` → 404 (unknown country, data not covered) or 400;
  :class:`~tradegap.errors.StoreError` → 503 with ``Retry-After`` (the store is locked by an
  ingest or cannot be read), without paths or process ids.
* Request validation (a non-integer year, a value out of range) → 422 with the parameter named.
* Unknown routes → 404, wrong methods → 405, bodies over the limit → 413.
* Messages never carry a server path: absolute paths are replaced by ``<path>``.

API routes (``/api/...``) answer JSON; pages answer a human-readable HTML page.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradegap.errors import (
    CoverageError,
    StoreError,
    TradegapError,
    UnknownCountryError,
)

__all__ = ["ERROR_RESPONSES", "ErrorBody", "error_response", "install_handlers", "scrub"]

log = logging.getLogger("tradegap.api")

#: Seconds a client should wait before retrying while the store is busy.
RETRY_AFTER_S = 5


class ErrorBody(BaseModel):
    """Every error the API returns."""

    error: str = Field(description="Kind of error, e.g. UnknownCountryError, ValidationError, StoreBusy.")
    message: str = Field(description="What was wrong, in plain words.")
    hint: str | None = Field(None, description="What to do about it.")
    status: int = Field(description="The HTTP status code, repeated.")


_DESCRIPTIONS = {
    400: "Bad input the library refused (same country twice, an unusable scenario, …).",
    404: "Unknown country, no data for that year or pair, or no such route.",
    413: "Request body over the size limit.",
    422: "A parameter has the wrong type or is out of range.",
    503: "The data store is being updated or cannot be read; retry after `Retry-After` seconds.",
}

#: ``responses=`` for every route: the error statuses with the one schema.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": desc} for code, desc in _DESCRIPTIONS.items()
}

_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:\\|/)(?:[\w.@+-]+[/\\])+[\w.@+-]*")
_PID = re.compile(r"\(?\bPID\s*\d+\)?", re.IGNORECASE)


def scrub(text: str | None, limit: int = 600) -> str | None:
    """``text`` without absolute paths or process ids, cut to ``limit`` characters."""
    if text is None:
        return None
    out = _PID.sub("", _PATH.sub("<path>", str(text)))
    return out if len(out) <= limit else out[: limit - 1] + "…"


def wants_html(request: Request) -> bool:
    """True for page routes (anything outside ``/api``, ``/openapi.json`` and ``/static``)."""
    p = request.url.path
    return not (p.startswith(("/api", "/static")) or p == "/openapi.json")


_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · tradegap</title>
<link rel="stylesheet" href="/static/app.css"></head><body><main class="error-page">
<h1>{title}</h1><p class="message">{message}</p>{hint}
<p><a href="/">Back to tradegap</a> · <a href="/docs">API documentation</a></p></main></body></html>"""

_TITLES = {400: "That request cannot be answered", 404: "Not found", 405: "Method not allowed",
           413: "Too large", 422: "Check the input", 500: "Something went wrong", 503: "Busy, try again shortly"}


def error_response(
    request: Request, status: int, error: str, message: str, hint: str | None = None,
    headers: dict[str, str] | None = None, *, own_path: bool = False,
) -> Response:
    """The error as JSON (API) or as an HTML page (pages), server paths scrubbed.

    ``own_path``: the message quotes the request's own URL path (not a server path): kept, cut short.
    """
    message = (message[:300] if own_path else scrub(message)) or ""
    hint = scrub(hint)
    if wants_html(request):
        page = _PAGE.format(
            title=html.escape(_TITLES.get(status, "Error")),
            message=html.escape(message),
            hint=f'<p class="hint">Hint: {html.escape(hint)}</p>' if hint else "",
        )
        return HTMLResponse(page, status_code=status, headers=headers)
    body = ErrorBody(error=error, message=message, hint=hint, status=status)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def status_of(exc: TradegapError) -> int:
    """HTTP status of a library error."""
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, (UnknownCountryError, CoverageError)):
        return 404
    return 400


def _store_busy(request: Request, exc: StoreError) -> Response:
    cause = f"{exc.message} {exc.__cause__ or ''}".lower()
    if "lock" in cause:
        msg = "The data store is being updated by another process (for example `tradegap ingest`)."
    else:
        msg = "The data store cannot be read right now."
    return error_response(
        request, 503, "StoreBusy", msg,
        hint=f"Retry in {RETRY_AFTER_S} seconds; if this persists, check the store with `tradegap datasets`.",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _tradegap_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TradegapError)
    if isinstance(exc, StoreError):
        return _store_busy(request, exc)
    return error_response(request, status_of(exc), type(exc).__name__, exc.message, exc.hint)


def _describe_validation(err: dict[str, Any]) -> str:
    loc = [str(x) for x in err.get("loc", ())]
    where = loc[0] if loc else "request"
    name = ".".join(loc[1:]) or where
    kind = {"query": "query parameter", "path": "path segment", "body": "body field", "header": "header"}.get(
        where, "parameter"
    )
    msg = str(err.get("msg", "is invalid")).rstrip(".")
    got = err.get("input")
    got_text = repr(got) if got is not None and not isinstance(got, (dict, list)) else ""
    if len(got_text) > 60:
        got_text = got_text[:57] + "…'"
    return f"The {kind} '{name}' is invalid: {msg}." + (f" Got {got_text}." if got_text else "")


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errs = list(exc.errors())
    msg = " ".join(_describe_validation(e) for e in errs[:3]) or "The request is invalid."
    if len(errs) > 3:
        msg += f" (and {len(errs) - 3} more)"
    return error_response(request, 422, "ValidationError", msg,
                          hint="See /docs for each parameter's type and range.")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        return error_response(request, 404, "NotFound", f"There is no page or endpoint at {request.url.path[:200]!r}.",
                              hint="Start from / or see the API at /docs.", own_path=True)
    if status == 405:
        return error_response(request, 405, "MethodNotAllowed",
                              f"{request.method} is not allowed on {request.url.path[:200]!r}.",
                              hint="See /docs for the methods each endpoint takes.",
                              headers=dict(exc.headers or {}), own_path=True)
    detail = exc.detail if isinstance(exc.detail, str) else "The request cannot be answered."
    return error_response(request, status, "HTTPError", detail, headers=dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "InternalError", "The server could not answer this request.",
                          hint="This is a bug in tradegap; please report the request that caused it.")


def install_handlers(app: Any) -> None:
    """Register the handlers on a FastAPI app."""
    app.add_exception_handler(TradegapError, _tradegap_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
