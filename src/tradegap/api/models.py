"""Pydantic response models: the JSON shape of each result object's ``to_dict()``.

Each answer is built from the library's result object (``result.to_dict()``), validated
once against its model here, serialised, and cached as bytes (see
:mod:`tradegap.api.service`); routes declare the models so the OpenAPI schema documents
them.  Models forbid unknown keys, so a result object that grows a field fails the API
tests until its model says what the field is.

Units: every trade value is USD millions unless a model's ``unit``/``scale`` says otherwise.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tradegap._json import jsonable

Record = dict[str, Any]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


def dump(model: type[BaseModel], data: Any) -> bytes:
    """Validate ``data`` (a result's ``to_dict()``) against ``model``; the JSON bytes."""
    return model.model_validate(jsonable(data)).model_dump_json().encode("utf-8")


# ---------------------------------------------------------------------------------------- small
class HealthOut(_Out):
    """Liveness."""

    status: Literal["ok"]
    version: str
    cached: int = Field(description="Answers held in the cache.")
    computed: int = Field(description="Computations started since the server started.")


class PendingOut(_Out):
    """A computation still running (``wait=false``): poll the same URL again."""

    status: Literal["running"]
    step: str = Field(description="What is being computed now.")
    done: int
    total: int
    elapsed_s: float
    retry_after_s: int


class CountryOut(_Out):
    """One country."""

    iso3: str
    name: str
    numeric: int | None = Field(description="ISO 3166 numeric code (world maps key countries by it).")
    has_data: bool = Field(description="Has trade flows in the shipped CEPII BACI data.")


class CountryList(_Out):
    """Countries matching a search."""

    query: str
    count: int
    countries: list[CountryOut]


# ---------------------------------------------------------------------------------------- measure
class Flow(_Out):
    """One directed yearly flow."""

    year: int
    exporter: str
    importer: str
    value: float | None = Field(description="USD millions; null where the source has no value.")
    basis: str | None
    report: str | None


class YearTotal(_Out):
    """Both directions together."""

    year: int
    value: float | None


class PairTradeOut(_Out):
    """:class:`tradegap.measure.PairTrade`."""

    a: str
    a_name: str
    b: str
    b_name: str
    source: str
    unit: str
    scale: str
    value_note: str
    flows: list[Flow]
    totals: list[YearTotal]


class PeerRow(_Out):
    """A partner of comparable size."""

    model_config = ConfigDict(extra="allow")
    rank: int
    iso3: str
    name: str
    total: float | None
    is_partner: bool


class PeersOut(_Out):
    """:class:`tradegap.measure.Peers`."""

    country: str
    partner: str
    year: int
    source: str
    unit: str
    scale: str
    total: float | None
    rank: int
    n_partners: int
    share: float | None
    reverse_rank: int
    reverse_n_partners: int
    reverse_share: float | None
    headline: str
    peers: list[PeerRow]


# ---------------------------------------------------------------------------------------- potential
class Measure(_Out):
    """One potential for one direction (USD millions; ratio = actual / potential)."""

    potential: float | None
    lower: float | None
    upper: float | None
    ratio: float | None
    untapped: float | None


class Direction(_Out):
    """One direction: actual and each measure (``structural``, ``size_based``, ``size_based_sanctions``)."""

    model_config = ConfigDict(extra="allow")
    exporter: str
    importer: str
    actual: float | None


class PairPotentialOut(_Out):
    """:class:`tradegap.brief.PairPotential`."""

    a: str
    b: str
    year: int
    unit: str
    directions: list[Direction]
    specification: Record
    errors: dict[str, str]
    meaning: dict[str, str]
    text: list[str]
    notes: list[str] = Field(description="Fit warnings and caveats of the estimates.")


class UntappedRow(_Out):
    """One partner."""

    rank: int
    partner: str
    partner_name: str
    exports_actual: float | None
    exports_potential: float | None
    imports_actual: float | None
    imports_potential: float | None
    actual: float | None
    potential: float | None
    untapped: float | None
    ratio: float | None


class UntappedOut(_Out):
    """:class:`tradegap.potential.UntappedRanking`."""

    country: str
    year: int
    unit: str
    scale: str
    table: list[UntappedRow]
    spec: Record
    notes: list[str]


class WorldUntappedRow(_Out):
    """One directed flow."""

    rank: int
    exporter: str
    exporter_name: str
    importer: str
    importer_name: str
    actual: float | None
    potential: float | None
    potential_lo: float | None
    potential_hi: float | None
    ratio: float | None
    untapped: float | None


class WorldUntappedOut(_Out):
    """The largest untapped directed flows in the world (:class:`tradegap.world.WorldUntapped`)."""

    year: int
    n_pairs: int
    unit: str
    scale: str
    table: list[WorldUntappedRow]
    spec: Record
    notes: list[str]


# ---------------------------------------------------------------------------------------- policy
class AlignmentOut(_Out):
    """:class:`tradegap.politics.Alignment`: UN General Assembly agreement per year."""

    a: str
    b: str
    issues: list[str] | None
    continuity: str
    source: str
    definitions: dict[str, str]
    notes: list[str]
    years: list[Record]


class SanctionsOut(_Out):
    """GSDB sanction cases (:func:`tradegap.sanctions.cases`)."""

    a: str
    b: str | None
    scope: Literal["pair", "targets"] = Field(
        description="pair: cases between the two (or all cases naming a); targets: also third-party cases on either."
    )
    source: str
    count: int
    cases: list[Record]


def sanctions_dict(a: str, b: str | None, scope: str, frame: pd.DataFrame) -> dict[str, Any]:
    """The ``to_dict()`` the sanctions frame lacks."""
    return {
        "a": a,
        "b": b,
        "scope": scope,
        "source": "Global Sanctions Data Base v3 (GSDB); cases active 2013–2022 are shipped",
        "count": len(frame),
        "cases": frame.to_dict(orient="records"),
    }


class PairSectorsOut(_Out):
    """:class:`tradegap.views.sectors.PairSectors` (values in ``unit`` × ``scale``)."""

    a: str
    b: str
    year: int
    scheme: str
    source: str
    unit: str
    scale: str
    method: str
    notes: list[str]
    sectors: list[Record]
    coefficients: list[Record]


# ---------------------------------------------------------------------------------------- brief
class ChartOut(_Out):
    """:class:`tradegap.brief.Chart`: a kind and tidy records to draw."""

    kind: Literal["history", "bars", "politics"]
    title: str
    xlabel: str
    ylabel: str
    note: str
    data: list[Record]


class SectionOut(_Out):
    """:class:`tradegap.brief.BriefSection`."""

    key: str
    title: str
    status: Literal["ok", "unavailable"]
    text: str
    sources: list[str]
    table: list[Record] | None
    chart: ChartOut | None


class PairBriefOut(_Out):
    """:class:`tradegap.brief.PairBrief`."""

    a: str
    b: str
    names: list[str]
    year: int
    title: str
    unit: str
    headline: str
    metrics: Record
    sections: list[SectionOut]


# ---------------------------------------------------------------------------------------- scenarios
class PairOutcomeOut(_Out):
    """:class:`tradegap.ge.results.PairOutcome`."""

    model_config = ConfigDict(extra="allow")
    a: str
    b: str
    trade_change_pct: float | None


class ScenarioOut(_Out):
    """:class:`tradegap.ge.scenario.ScenarioResult` (changes in %)."""

    scenario: str
    year: int | None
    sigma: float
    reference: str
    convention: str
    deficits: str
    direction: str
    unit: str
    assumptions: list[str]
    countries: list[Record]
    changed_pairs: list[Record]
    pair: PairOutcomeOut | None
    diagnostics: Record
    description: str
    changes: list[str]
    coefficients: list[Record]
    monte_carlo: list[Record] | None = None


# ---------------------------------------------------------------------------------------- article
class ClaimOut(_Out):
    """A claim found in the article (character span in ``text``)."""

    claim: int
    kind: str
    check: str
    quote: str
    start: int
    end: int
    trigger: str
    sentence: int
    countries: list[str]
    claimed: Record


class CheckOut(_Out):
    """One check of a claim against the data."""

    model_config = ConfigDict(extra="allow")
    claim: int
    quote: str
    start: int
    end: int
    check: str
    verdict: str
    data: str | None = None


class ReadingOut(_Out):
    """:class:`tradegap.article.ArticleReading`, plus the text the spans refer to and its summary."""

    origin: str
    encoding: str | None
    was_html: bool
    title: str | None
    characters: int
    sentences: int
    year: int | None
    year_note: str
    published: str | None = Field(description="The article's date (ISO 8601) when it states one.")
    references: list[Record] = Field(description="Countries named only as references (not parties to a claim).")
    countries: list[str]
    main_pair: list[str] | None
    pair_score_rule: str
    pairs: list[Record]
    mentions: list[Record]
    claims: list[ClaimOut]
    checks: list[CheckOut]
    messages: list[str]
    text: str
    summary: str


# ---------------------------------------------------------------------------------------- requests
class ReadIn(BaseModel):
    """An article to read (JSON form of ``POST /api/read``)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The article: plain text or HTML.", max_length=400_000)
    year: int | None = Field(None, ge=1950, le=2100, description="Year for checks whose claim names none.")
