"""The canonical tables: one definition of columns, units and checks, used everywhere.

Flows
-----
One row per exporter → importer → year (→ product, for sectoral sources):

=============  ========  ==================================================
column         dtype     meaning
=============  ========  ==================================================
exporter       str       ISO3 code of the exporting country
importer       str       ISO3 code of the importing country
year           int       calendar year
product        str       product/sector code ("" for total goods trade)
value          float64   trade value, in ``unit`` × ``scale``; ≥ 0
unit           str       currency, e.g. ``"USD"``, ``"EUR"``
scale          str       ``"units"``, ``"thousands"`` or ``"millions"``
source         str       dataset id, e.g. ``"dots"``, ``"baci"``
basis          str       how the value was reported, one of :data:`BASES`
=============  ========  ==================================================
"""

from __future__ import annotations

from typing import Final, Literal

FLOW_COLUMNS: Final[tuple[str, ...]] = (
    "exporter",
    "importer",
    "year",
    "product",
    "value",
    "unit",
    "scale",
    "source",
    "basis",
)

#: How a bilateral value was obtained.
BASES: Final[dict[str, str]] = {
    "importer_cif": "reported by the importer, CIF (includes cost, insurance, freight)",
    "exporter_fob": "reported by the exporter, FOB (mirror of a missing importer report)",
    "exporter_fob_adj": "exporter FOB report scaled to CIF by the CIF/FOB factor",
    "reconciled": "reconciled by the source (e.g. CEPII BACI), FOB",
    "reported": "as given by the source, basis not stated",
}

Scale = Literal["units", "thousands", "millions"]
SCALES: Final[dict[str, float]] = {"units": 1.0, "thousands": 1e3, "millions": 1e6}

#: Covariates per country-year (WDI): ``iso3, year, gdp (current USD), population (persons), ...``.
COUNTRY_YEAR_COLUMNS: Final[tuple[str, ...]] = ("iso3", "year", "gdp", "population")

#: Time-invariant pair covariates (CEPII GeoDist + tradegap's own shared-sea flag).
PAIR_COLUMNS: Final[tuple[str, ...]] = (
    "exporter",
    "importer",
    "dist",  # km, simple distance between most populated cities
    "distw",  # km, population-weighted distance (may be missing)
    "contig",  # CEPII: 1 if the two share a land border
    "comlang_off",
    "comlang_ethno",
    "colony",
    "comcol",
    "smctry",
    "landlocked_o",
    "landlocked_d",
    "shared_sea",  # tradegap: 1 if both are littoral to the same enclosed/semi-enclosed sea
)


def rescale(values, from_scale: Scale, to_scale: Scale):
    """Convert trade values between scales, e.g. thousands → millions.

    Parameters
    ----------
    values : array_like or float
        Values in ``from_scale`` units.
    from_scale, to_scale : {"units", "thousands", "millions"}
    """
    return values * (SCALES[from_scale] / SCALES[to_scale])
