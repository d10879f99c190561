"""The JSON API: ``/api/...`` routes, each a thin call into :class:`~tradegap.api.service.Service`.

Answers are cached JSON bytes, returned as they are.  Routes that may compute for seconds
(potential, brief, sectors, untapped, scenarios, read) take ``wait``: ``true`` (default)
blocks until the answer is ready; ``false`` answers at once, 200 with the answer when it
is cached, else 202 with the progress of the (single, shared) computation: poll again.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from tradegap import __version__
from tradegap.api import models as M
from tradegap.api.cache import await_flight
from tradegap.api.errors import ERROR_RESPONSES, ErrorBody, error_response
from tradegap.api.service import Pending, Service
from tradegap.coverage import DATASETS, YEAR_BOUNDS
from tradegap.errors import CoverageError, InputError

__all__ = ["router"]

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

#: Years with trade data (IMF DOTS and CEPII BACI, from the coverage catalogue); potentials need BACI's usable years.
DATA_YEARS = (min(DATASETS[k].first for k in ("dots", "baci")), max(DATASETS[k].last for k in ("dots", "baci")))

Country = Annotated[str, Path(min_length=1, max_length=80, description="Country name or ISO3 code (Iran, IRN).")]
_LO, _HI = YEAR_BOUNDS
_POT = DATASETS["baci"].usable_span
Year = Annotated[int, Query(ge=_LO, le=_HI, description=f"Reference year (trade data: {DATA_YEARS[0]}–{DATA_YEARS[1]}).")]
Wait = Annotated[
    bool,
    Query(description="false: answer at once, 202 with progress while the answer is being computed."),
]
PENDING = {202: {"model": M.PendingOut, "description": "Still computing (wait=false): poll the same URL."}}


def _service(request: Request) -> Service:
    svc = request.app.state.service
    assert isinstance(svc, Service)
    return svc


async def _json(out: bytes | Pending, wait: bool = True) -> Response:
    """The answer; a pending one is awaited (``wait``) without holding a thread, or reported as 202."""
    if isinstance(out, Pending):
        if not wait:
            return JSONResponse(out.body().model_dump(), status_code=202, headers={"Retry-After": "1"})
        out = await await_flight(out.flight)
    return Response(content=out, media_type="application/json")


def _in_data(year: int) -> int:
    lo, hi = DATA_YEARS
    if not lo <= year <= hi:
        raise CoverageError(f"There are no trade data for {year}.",
                            hint=f"Choose a year within {lo}–{hi} (potentials: {DATASETS['baci'].usable_span}).")
    return year


@router.get("/health", response_model=M.HealthOut, summary="Liveness and version")
async def health(request: Request) -> Response:
    """Liveness check: cheap, never touches the data (the latency floor of the server)."""
    svc = _service(request)
    body = M.HealthOut(status="ok", version=__version__, cached=len(svc.cache), computed=svc.cache.computed)
    return Response(body.model_dump_json(), media_type="application/json")


@router.get("/countries", response_model=M.CountryList, summary="Search countries by name or code")
async def countries(
    request: Request,
    q: Annotated[str, Query(max_length=80, description="Part of a name, an alias or a code; empty: all.")] = "",
    limit: Annotated[int, Query(ge=1, le=300, description="Most countries returned.")] = 20,
) -> Response:
    """Countries matching ``q`` (accents and case ignored), best match first, with ISO numeric codes."""
    from tradegap.api.service import countries_ready

    svc = _service(request)
    if countries_ready():
        return await _json(svc.countries(q, limit))
    from starlette.concurrency import run_in_threadpool

    return await _json(await run_in_threadpool(svc.countries, q, limit))  # first search: builds the table


@router.get("/trade/{a}/{b}", response_model=M.PairTradeOut, summary="Yearly trade, both directions")
async def trade(
    request: Request,
    a: Country,
    b: Country,
    source: Annotated[Literal["dots", "baci"], Query(description="IMF DOTS or CEPII BACI totals.")] = "dots",
    years: Annotated[
        str | None, Query(max_length=100, description="One year, a range 2000-2020 or a list 2015,2019; default all.")
    ] = None,
) -> Response:
    """Yearly flows between ``a`` and ``b`` (USD millions), with each value's reporting basis."""
    return await _json(_service(request).trade(a, b, source, years, wait=False))


@router.get("/peers/{country}/{partner}", response_model=M.PeersOut, summary="Partner rank and peers")
async def peers(
    request: Request,
    country: Country,
    partner: Country,
    year: Year = 2019,
    n: Annotated[int, Query(ge=1, le=100, description="How many comparable partners.")] = 10,
) -> Response:
    """Where ``partner`` ranks among ``country``'s partners and who trades about as much."""
    return await _json(_service(request).peers(country, partner, _in_data(year), n, wait=False))


@router.get("/potential/{a}/{b}", response_model=M.PairPotentialOut, responses=PENDING,
            summary="Structural and size-based potential")
async def potential(request: Request, a: Country, b: Country, year: Year = 2019, wait: Wait = True) -> Response:
    """Actual trade against both potentials with 90% bands and ratios (USD millions)."""
    return await _json(_service(request).potential(a, b, _in_data(year), wait=False), wait)


@router.get("/sectors/{a}/{b}", response_model=M.PairSectorsOut, responses=PENDING, summary="Trade by sector")
async def sectors(
    request: Request,
    a: Country,
    b: Country,
    year: Annotated[int | None, Query(ge=_LO, le=_HI, description="Year; default the latest with data.")] = None,
    wait: Wait = True,
) -> Response:
    """The pair's trade by sector against a gravity benchmark (USD millions)."""
    return await _json(_service(request).sectors(a, b, None if year is None else _in_data(year), wait=False), wait)


@router.get("/sanctions/{a}", response_model=M.SanctionsOut, summary="Sanctions on or by a country")
async def sanctions_country(request: Request, a: Country) -> Response:
    """GSDB cases in which ``a`` sanctions or is sanctioned."""
    return await _json(_service(request).sanctions(a, None, wait=False))


@router.get("/sanctions/{a}/{b}", response_model=M.SanctionsOut, summary="Sanctions between two countries")
async def sanctions_pair(
    request: Request,
    a: Country,
    b: Country,
    scope: Annotated[
        Literal["pair", "targets"],
        Query(description="pair: cases between the two; targets: also every case against either by anyone."),
    ] = "pair",
) -> Response:
    """GSDB cases between ``a`` and ``b`` (directly or through a bloc such as the UN or the EU)."""
    return await _json(_service(request).sanctions(a, b, scope, wait=False))


@router.get("/politics/{a}/{b}", response_model=M.AlignmentOut, summary="UN General Assembly alignment")
async def politics(
    request: Request,
    a: Country,
    b: Country,
    years: Annotated[str | None, Query(max_length=100, description="Years, e.g. 2010-2019; default all.")] = None,
) -> Response:
    """Agreement in UN General Assembly votes per year, and ``b``'s rank among ``a``'s partners."""
    return await _json(_service(request).politics(a, b, years, wait=False))


@router.get("/brief/{a}/{b}", response_model=M.PairBriefOut, responses=PENDING, summary="The pair brief")
async def brief(request: Request, a: Country, b: Country, year: Year = 2019, wait: Wait = True) -> Response:
    """The whole brief: sections with text, tables and chart data (USD millions)."""
    return await _json(_service(request).brief(a, b, _in_data(year), wait=False), wait)


@router.get("/untapped", response_model=M.WorldUntappedOut, responses=PENDING,
            summary="The world's largest untapped flows")
async def untapped_world(
    request: Request,
    year: Annotated[int, Query(ge=_LO, le=_HI, description=f"Year (potentials: {_POT}).")] = 2019,
    top: Annotated[int, Query(ge=1, le=500, description="How many directed flows.")] = 50,
    wait: Wait = True,
) -> Response:
    """Directed flows with the largest structural potential minus actual trade (USD millions)."""
    return await _json(_service(request).world_untapped(year, top, wait=False), wait)


@router.get("/untapped/{country}", response_model=M.UntappedOut, responses=PENDING,
            summary="A country's untapped partners")
async def untapped_country(
    request: Request,
    country: Country,
    year: Annotated[int, Query(ge=_LO, le=_HI, description=f"Year (potentials: {_POT}).")] = 2019,
    top: Annotated[int, Query(ge=1, le=300, description="How many partners.")] = 300,
    wait: Wait = True,
) -> Response:
    """``country``'s partners ranked by untapped structural potential, both directions (USD millions)."""
    return await _json(_service(request).untapped(country, year, top, wait=False), wait)


_SCENARIO_EXAMPLE = {
    "name": "Iran-Russia trade cost -20%",
    "year": 2019,
    "sigma": 7,
    "pair": ["IRN", "RUS"],
    "costs": "calibrated",
    "data": {"source": "baci"},
    "change": [{"type": "scale", "percent": -20, "between": [["IRN"], ["RUS"]]}],
}


@router.post(
    "/scenarios",
    response_model=M.ScenarioOut,
    responses=PENDING,
    summary="Run a GE scenario",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A scenario spec: the TOML scenario schema (tradegap.ge.scenario) as JSON, on "
            'tradegap\'s BACI data ("data": {"source": "baci"}).',
            "content": {"application/json": {"schema": {"type": "object"}, "example": _SCENARIO_EXAMPLE}},
        }
    },
)
async def scenarios(request: Request, wait: Wait = True) -> Response:
    """General-equilibrium counterfactual: per-country % changes of exports, imports and real GDP."""
    import json

    raw = await request.body()
    try:
        spec = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InputError("The scenario is not valid JSON.",
                         hint="Send the TOML scenario schema as a JSON object (see the example in /docs).") from None
    if not isinstance(spec, dict):
        raise InputError(f"The scenario must be a JSON object. Got {type(spec).__name__}.",
                         hint="Send the TOML scenario schema as a JSON object (see the example in /docs).")
    return await _json(_service(request).scenario(spec, wait=False), wait)


_UPLOAD_TYPES = ("text/plain", "text/html")


@router.post(
    "/read",
    response_model=M.ReadingOut,
    responses={**PENDING, 415: {"model": ErrorBody, "description": "Unsupported body type."}},
    summary="Check an article",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The article: JSON {text, year}, a text/plain or text/html body, or a multipart "
            "upload (field `file`, an .html or .txt file; optional field `year`). At most 1 MiB.",
            "content": {
                "application/json": {"schema": M.ReadIn.model_json_schema()},
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"},
                                       "year": {"type": "integer", "minimum": 1950, "maximum": 2100}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def read(request: Request, wait: Wait = True) -> Response:
    """Countries, the main pair, claims with character spans, and each claim's check against the data."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    year: int | None = None
    origin = "pasted text"
    content: str | bytes
    if ctype == "application/json":
        try:
            body = M.ReadIn.model_validate_json(await request.body())
        except ValidationError as exc:
            from fastapi.exceptions import RequestValidationError

            raise RequestValidationError(
                [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
            ) from None
        content, year = body.text, body.year
    elif ctype == "multipart/form-data":
        content, year, origin = await _upload(request)
    elif ctype in _UPLOAD_TYPES:
        content = await request.body()
        origin = "uploaded " + ("HTML" if ctype == "text/html" else "text")
    else:
        return error_response(request, 415, "UnsupportedMediaType",
                              f"POST /api/read takes JSON, text/plain, text/html or a multipart upload; got "
                              f"{ctype or 'no content type'!r}.",
                              hint='Send {"text": "..."} as application/json, or upload the file as `file`.')
    return await _json(_service(request).read(content, year, origin, wait=False), wait)


async def _upload(request: Request) -> tuple[bytes, int | None, str]:
    from starlette.datastructures import UploadFile

    try:
        form = await request.form(max_files=1, max_fields=4)
    except Exception as exc:  # noqa: BLE001 - any malformed multipart body is the client's error
        raise InputError(f"The upload could not be read as multipart form data ({type(exc).__name__}).",
                         hint="Upload the article as the form field `file`.") from None
    f = form.get("file")
    if not isinstance(f, UploadFile):
        raise InputError("The upload has no file field `file`.", hint="Upload the article as the form field `file`.")
    name = (f.filename or "upload").rsplit("/", 1)[-1][:80]
    if not name.lower().endswith((".txt", ".html", ".htm", "upload")):
        raise InputError(f"The file {name!r} is not .txt or .html.", hint="Upload an .html or .txt file.")
    data = await f.read()
    year_raw = form.get("year")
    year: int | None = None
    if isinstance(year_raw, str) and year_raw.strip():
        try:
            year = int(year_raw)
        except ValueError:
            raise InputError(f"The year {year_raw[:20]!r} is not a whole number.", hint="Give e.g. 2019.") from None
        if not 1950 <= year <= 2100:
            raise InputError(f"The year {year} is not within 1950–2100.", hint="Give e.g. 2019.")
    return data, year, f"uploaded file {name}"
