"""Sectors: definitions, product → sector aggregation, and per-sector gravity for a pair.

Four sector schemes (:data:`SCHEMES`), all in :data:`SECTORS`:

``hs_section``
    The 21 sections of the Harmonized System, by HS chapter (``"hs01"`` live animals and animal
    products = chapters 01–05, …, ``"hs17"`` vehicles, aircraft, vessels = 86–89, ``"hs19"`` arms
    and ammunition = 93, …).  Needs product-level flows classified in HS (e.g. BACI HS6 ingested
    with ``tradegap ingest``).
``hs_chapter``
    The 96 HS chapters (``"ch01"`` … ``"ch97"``; chapter 77 is reserved), e.g. ``"ch88"`` aircraft,
    spacecraft and parts — the finest level of the shipped definitions, for batches of chapters ×
    years with Dask.
``high_tech``
    Nine high-technology groups after Eurostat's product approach (aerospace, computers–office
    machines, electronics–telecommunications, pharmacy, scientific instruments, electrical
    machinery, chemistry, non-electrical machinery, armament).  Eurostat defines them on SITC
    Rev.4 5-digit subgroups; tradegap encodes each group as HS headings (for HS data) and as the
    SITC Rev.4 groups that contain them (for SITC data) — an approximation at that level of
    detail, stated in each :class:`Sector`'s ``note``.  Aerospace is HS chapter 88 (aircraft,
    spacecraft) plus aircraft engines (HS 8407.10, 8411) and SITC 792 + 714.  Products outside the
    nine groups are not high-tech and are left out of this scheme's aggregation.
``sitc_section``
    The 10 sections of SITC (0 food … 9 not classified), the detail of the UNCTADstat table the
    package ships for 2015 (``flows_sitc``).  **Aerospace cannot be isolated there**: SITC 792
    (aircraft) lies inside section 7 "machinery and transport equipment", together with cars,
    computers and power plants.  :func:`tradegap.views.sectors.pair_sectors` says so in its notes and points to ingesting
    BACI HS6 for the ``high_tech`` scheme.

Per-sector gravity
------------------
For each sector (and year) :func:`fit_sectors` estimates a PPML cross-section over every ordered
pair of the countries that trade in any sector that year (absent flows are zeros)::

    value ~ ln_dist + contig + shared_sea + comlang_off + colony | exporter + importer

with :func:`tradegap.estimate.fepois` (robust HC1 errors); ``contig`` is CEPII's land border and
``shared_sea`` tradegap's enclosed-sea neighbour flag (Iran and Russia across the Caspian).  The
fitted value of a pair is its "normal" trade in that sector given both countries' total sales and
purchases in it (the exporter and importer effects) and the pair's geography; actual / fitted < 1
means the pair trades less than comparable pairs.  Sectors are independent fits, run by
:func:`tradegap.batch.fit_batch`: serially (default), on a local process pool, on a
``dask.distributed`` ``LocalCluster`` or on a Dask scheduler at ``tcp://HOST:PORT``; a failed
sector is reported in its notes, not fatal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd

from tradegap.errors import CoverageError, InputError
from tradegap.progress import Progress
from tradegap.validation import check_option

Scheme = Literal["hs_section", "hs_chapter", "high_tech", "sitc_section"]
Classification = Literal["hs", "sitc"]
SCHEMES: Final[tuple[str, ...]] = get_args(Scheme)

#: Regressors of the per-sector gravity cross-section (beside exporter and importer effects).
GRAVITY_TERMS: Final[tuple[str, ...]] = ("ln_dist", "contig", "shared_sea", "comlang_off", "colony")
GRAVITY_FORMULA: Final[str] = "value ~ " + " + ".join(GRAVITY_TERMS) + " | exporter + importer"


@dataclass(frozen=True)
class Sector:
    """One sector of a scheme.

    Attributes
    ----------
    code : str
        Identifier, e.g. ``"hs17"``, ``"ht_aerospace"``, ``"sitc7"``.
    name : str
        Human-readable name.
    scheme : str
        One of :data:`SCHEMES`.
    hs : tuple of str
        HS code prefixes (2-digit chapters, 4-digit headings or 6-digit subheadings) in the sector.
    sitc : tuple of str
        SITC (Rev.4) code prefixes (1-digit sections, 3-digit groups, …) in the sector.
    note : str
        What the definition covers and how exact it is.
    """

    code: str
    name: str
    scheme: str
    hs: tuple[str, ...] = ()
    sitc: tuple[str, ...] = ()
    note: str = ""


def _chapters(a: int, b: int) -> tuple[str, ...]:
    return tuple(f"{c:02d}" for c in range(a, b + 1))


_HS_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("hs01", "Live animals; animal products", _chapters(1, 5)),
    ("hs02", "Vegetable products", _chapters(6, 14)),
    ("hs03", "Animal or vegetable fats and oils", ("15",)),
    ("hs04", "Prepared foodstuffs, beverages, tobacco", _chapters(16, 24)),
    ("hs05", "Mineral products (incl. fuels)", _chapters(25, 27)),
    ("hs06", "Chemical products (incl. pharmaceuticals)", _chapters(28, 38)),
    ("hs07", "Plastics and rubber", _chapters(39, 40)),
    ("hs08", "Hides, skins, leather, travel goods", _chapters(41, 43)),
    ("hs09", "Wood and articles of wood", _chapters(44, 46)),
    ("hs10", "Pulp, paper, printed matter", _chapters(47, 49)),
    ("hs11", "Textiles and clothing", _chapters(50, 63)),
    ("hs12", "Footwear, headgear", _chapters(64, 67)),
    ("hs13", "Stone, ceramic, glass", _chapters(68, 70)),
    ("hs14", "Pearls, precious stones and metals", ("71",)),
    ("hs15", "Base metals and articles", _chapters(72, 83)),
    ("hs16", "Machinery, electrical equipment", _chapters(84, 85)),
    ("hs17", "Vehicles, aircraft, vessels", _chapters(86, 89)),
    ("hs18", "Optical, medical, precision instruments; clocks; musical instruments", _chapters(90, 92)),
    ("hs19", "Arms and ammunition", ("93",)),
    ("hs20", "Miscellaneous manufactured articles", _chapters(94, 96)),
    ("hs21", "Works of art, antiques", ("97",)),
)

_HS_CHAPTERS: dict[str, str] = {
    "01": "Live animals", "02": "Meat", "03": "Fish and crustaceans", "04": "Dairy, eggs, honey",
    "05": "Other animal products", "06": "Live plants, cut flowers", "07": "Vegetables", "08": "Fruit and nuts",
    "09": "Coffee, tea, spices", "10": "Cereals", "11": "Milling products, malt, starches",
    "12": "Oil seeds, industrial plants", "13": "Lac, gums, resins", "14": "Vegetable plaiting materials",
    "15": "Animal or vegetable fats and oils", "16": "Preparations of meat or fish", "17": "Sugars",
    "18": "Cocoa", "19": "Preparations of cereals", "20": "Preparations of vegetables or fruit",
    "21": "Miscellaneous edible preparations", "22": "Beverages", "23": "Food residues, animal fodder",
    "24": "Tobacco", "25": "Salt, sulphur, earths, stone, cement", "26": "Ores, slag and ash",
    "27": "Mineral fuels and oils", "28": "Inorganic chemicals", "29": "Organic chemicals",
    "30": "Pharmaceutical products", "31": "Fertilisers", "32": "Tanning and dyeing extracts, paints",
    "33": "Essential oils, perfumery, cosmetics", "34": "Soap, waxes", "35": "Albuminoids, glues, enzymes",
    "36": "Explosives", "37": "Photographic goods", "38": "Miscellaneous chemical products",
    "39": "Plastics", "40": "Rubber", "41": "Raw hides and skins, leather", "42": "Leather articles, travel goods",
    "43": "Furskins", "44": "Wood", "45": "Cork", "46": "Basketware", "47": "Pulp of wood",
    "48": "Paper and paperboard", "49": "Printed matter", "50": "Silk", "51": "Wool", "52": "Cotton",
    "53": "Other vegetable textile fibres", "54": "Man-made filaments", "55": "Man-made staple fibres",
    "56": "Wadding, felt, nonwovens, twine", "57": "Carpets", "58": "Special woven fabrics",
    "59": "Coated textile fabrics", "60": "Knitted fabrics", "61": "Knitted apparel", "62": "Apparel, not knitted",
    "63": "Other made-up textiles", "64": "Footwear", "65": "Headgear", "66": "Umbrellas, walking sticks",
    "67": "Prepared feathers, artificial flowers", "68": "Articles of stone, cement", "69": "Ceramic products",
    "70": "Glass", "71": "Pearls, precious stones and metals", "72": "Iron and steel",
    "73": "Articles of iron or steel", "74": "Copper", "75": "Nickel", "76": "Aluminium", "78": "Lead",
    "79": "Zinc", "80": "Tin", "81": "Other base metals", "82": "Tools, cutlery of base metal",
    "83": "Miscellaneous articles of base metal", "84": "Machinery, nuclear reactors, boilers",
    "85": "Electrical machinery and electronics", "86": "Railway equipment", "87": "Vehicles other than railway",
    "88": "Aircraft, spacecraft and parts", "89": "Ships and boats", "90": "Optical, medical, precision instruments",
    "91": "Clocks and watches", "92": "Musical instruments", "93": "Arms and ammunition", "94": "Furniture, bedding, lamps",
    "95": "Toys, games, sports goods", "96": "Miscellaneous manufactured articles", "97": "Works of art, antiques",
}

_HT_NOTE = (
    "Eurostat high-tech group (product approach, SITC Rev.4 5-digit); tradegap uses the HS headings "
    "and SITC Rev.4 3-digit groups listed, an approximation at that level of detail."
)
_HIGH_TECH: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("ht_aerospace", "Aerospace", ("88", "840710", "8411", "901420"), ("792", "714")),
    ("ht_computers", "Computers and office machines", ("8471", "847330"), ("751", "752")),
    (
        "ht_electronics",
        "Electronics and telecommunications",
        ("8517", "8525", "8526", "8527", "8528", "8529", "8540", "8541", "8542"),
        ("763", "764", "776"),
    ),
    ("ht_pharmacy", "Pharmaceuticals", ("3001", "3002", "3003", "3004", "3006"), ("541", "542")),
    (
        "ht_instruments",
        "Scientific instruments",
        ("9011", "9012", "9013", "9014", "9015", "9018", "9022", "9024", "9025", "9026", "9027", "9030", "9031"),
        ("774", "871", "872", "874", "881"),
    ),
    ("ht_electrical", "Electrical machinery", ("8532", "8533", "8543"), ("778",)),
    ("ht_chemistry", "Chemistry", ("2844", "2845", "2933", "2934", "2937", "2941"), ("522", "525", "531", "574", "591")),
    (
        "ht_machinery",
        "Non-electrical machinery",
        ("8401", "8456", "8457", "8458", "8459", "8486", "847950"),
        ("718", "728", "731", "733", "735"),
    ),
    ("ht_armament", "Armament", ("93",), ("891",)),
)

_SITC_SECTIONS: tuple[tuple[str, str], ...] = (
    ("0", "Food and live animals"),
    ("1", "Beverages and tobacco"),
    ("2", "Crude materials, inedible, except fuels"),
    ("3", "Mineral fuels, lubricants and related materials"),
    ("4", "Animal and vegetable oils, fats and waxes"),
    ("5", "Chemicals and related products"),
    ("6", "Manufactured goods classified chiefly by material"),
    ("7", "Machinery and transport equipment"),
    ("8", "Miscellaneous manufactured articles"),
    ("9", "Commodities and transactions not classified elsewhere"),
)


def _build_sectors() -> dict[str, Sector]:
    out: dict[str, Sector] = {}
    for code, name, chapters in _HS_SECTIONS:
        out[code] = Sector(code, name, "hs_section", hs=chapters, note=f"HS chapters {chapters[0]}–{chapters[-1]}")
    for ch, name in _HS_CHAPTERS.items():
        out[f"ch{ch}"] = Sector(f"ch{ch}", name, "hs_chapter", hs=(ch,), note=f"HS chapter {ch}")
    for code, name, hs, sitc in _HIGH_TECH:
        out[code] = Sector(code, name, "high_tech", hs=hs, sitc=sitc, note=_HT_NOTE)
    for digit, name in _SITC_SECTIONS:
        note = f"SITC section {digit}"
        if digit == "7":
            note += (
                "; contains aerospace (SITC 792, 714) together with cars, computers, telecom equipment and"
                " power machinery: aerospace cannot be isolated at this level"
            )
        out[f"sitc{digit}"] = Sector(f"sitc{digit}", name, "sitc_section", sitc=(digit,), note=note)
    return out


#: Every sector of every scheme, keyed by code.
SECTORS: Final[dict[str, Sector]] = _build_sectors()


def sectors(scheme: Scheme) -> list[Sector]:
    """The sectors of one scheme, in order."""
    check_option("scheme", scheme, SCHEMES, "sectors")
    return [s for s in SECTORS.values() if s.scheme == scheme]


def sector_table(scheme: Scheme | None = None) -> pd.DataFrame:
    """Sector definitions as a frame: ``code, name, scheme, hs, sitc, note`` (codes comma-joined)."""
    rows = [s for s in SECTORS.values() if scheme is None or s.scheme == scheme]
    if scheme is not None:
        check_option("scheme", scheme, SCHEMES, "sector_table")
    return pd.DataFrame(
        [(s.code, s.name, s.scheme, ",".join(s.hs), ",".join(s.sitc), s.note) for s in rows],
        columns=["code", "name", "scheme", "hs", "sitc", "note"],
    )


# --------------------------------------------------------------------------- helpers


def _normalize_codes(codes: pd.Series, classification: Classification) -> pd.Series:
    """Product codes as strings of digits; HS codes with an odd length get their leading zero back."""
    s = codes.astype(str).str.strip().str.replace(".", "", regex=False)
    if classification == "hs":
        odd = s.str.len() % 2 == 1
        s = s.where(~odd, "0" + s)
    return s


def classify(
    codes: Iterable[str] | pd.Series, *, scheme: Scheme, classification: Classification = "hs"
) -> pd.Series:
    """Sector code of each product code (longest matching prefix); NaN where none matches.

    Parameters
    ----------
    codes
        Product codes, e.g. HS6 ``"880240"`` (integers such as ``880240`` or ``10121`` are
        accepted: HS codes of odd length get their leading zero back) or SITC ``"7"`` / ``"792"``.
    scheme
        One of :data:`SCHEMES`.
    classification : {"hs", "sitc"}
        Nomenclature of ``codes``.

    Returns
    -------
    pandas.Series
        Same length as ``codes``: sector codes (str) or NaN.

    Raises
    ------
    CoverageError
        If the scheme cannot be built from that nomenclature (HS sections from SITC codes, SITC
        sections from HS codes).
    """
    check_option("scheme", scheme, SCHEMES, "classify")
    check_option("classification", classification, Classification, "classify")
    if scheme in ("hs_section", "hs_chapter") and classification == "sitc":
        raise CoverageError(
            "HS sections and chapters cannot be built from SITC product codes.",
            hint="Use scheme='sitc_section' (or 'high_tech') for SITC data, or ingest HS data such as BACI HS6.",
        )
    if scheme == "sitc_section" and classification == "hs":
        raise CoverageError(
            "SITC sections cannot be built from HS product codes here (no HS→SITC concordance is shipped).",
            hint="Use scheme='hs_section', 'hs_chapter' or 'high_tech' for HS data.",
        )
    s = _normalize_codes(pd.Series(codes) if not isinstance(codes, pd.Series) else codes, classification)
    prefixes: list[tuple[str, str]] = []
    for sec in sectors(scheme):
        for p in sec.hs if classification == "hs" else sec.sitc:
            prefixes.append((p, sec.code))
    out = pd.Series(np.nan, index=s.index, dtype=object)
    # longest prefix wins: assign shorter prefixes first, then overwrite with longer ones
    for p, code in sorted(prefixes, key=lambda t: len(t[0])):
        out[s.str.startswith(p).to_numpy()] = code
    return out


def aggregate(
    flows: pd.DataFrame,
    *,
    scheme: Scheme,
    classification: Classification = "hs",
    product: str = "product",
    value: str = "value",
) -> pd.DataFrame:
    """Aggregate a product-level flow table into the sectors of a scheme.

    Parameters
    ----------
    flows
        Rows ``exporter, importer, year, <product>, <value>`` (e.g. BACI HS6 in canonical columns);
        ``unit`` and ``scale`` columns, if present, must be constant and are carried over.
    scheme, classification
        See :func:`classify`.
    product, value
        Column names of the product code and the trade value.

    Returns
    -------
    pandas.DataFrame
        ``exporter, importer, year, sector, value`` summed over the products of each sector
        (products in no sector of the scheme are left out; for ``high_tech`` these are the non
        high-tech goods), plus ``unit``/``scale`` when given.
    """
    need = ["exporter", "importer", "year", product, value]
    missing = [c for c in need if c not in flows.columns]
    if missing:
        raise InputError(
            f"The flow table lacks the column(s) {missing}; it has {list(flows.columns)}.",
            hint="Pass product= and value= to name the columns.",
        )
    sec = classify(flows[product], scheme=scheme, classification=classification)
    keep = sec.notna().to_numpy()
    f = pd.DataFrame(
        {
            "exporter": flows["exporter"].astype(str).to_numpy()[keep],
            "importer": flows["importer"].astype(str).to_numpy()[keep],
            "year": flows["year"].astype("int64").to_numpy()[keep],
            "sector": sec.to_numpy()[keep].astype(str),
            "value": flows[value].astype("float64").to_numpy()[keep],
        }
    )
    out = f.groupby(["exporter", "importer", "year", "sector"], as_index=False, sort=True)["value"].sum()
    for c in ("unit", "scale"):
        if c in flows.columns:
            vals = pd.unique(flows[c].astype(str))
            if len(vals) > 1:
                raise InputError(f"The flow table mixes {c}s {list(vals)}.", hint="Rescale to one unit/scale first.")
            out[c] = vals[0] if len(vals) else ""
    return out


# --------------------------------------------------------------------------- gravity


@dataclass(frozen=True)
class SectorFit:
    """One per-sector PPML cross-section.

    Attributes
    ----------
    sector : str
    year : int
    coef, se : dict
        Estimates and HC1 standard errors of :data:`GRAVITY_TERMS` (dropped terms absent).
    nobs : int
        Observations used (after separation/singleton drops).
    fitted : pandas.DataFrame
        ``exporter, importer, actual, fitted`` for every pair of the estimation grid (fitted NaN
        where the row was dropped).
    converged : bool
    notes : tuple of str
        Warnings raised by the fit (dropped observations, collinear terms), as text.
    """

    sector: str
    year: int
    coef: dict[str, float]
    se: dict[str, float]
    nobs: int
    fitted: pd.DataFrame = field(repr=False)
    converged: bool = True
    notes: tuple[str, ...] = ()


def _base_grid(countries: Iterable[str], pairs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Every ordered pair (i ≠ j) of ``countries`` with the gravity covariates; countries the pair
    table lacks are returned separately."""
    ctry = sorted(set(map(str, countries)))
    pc = pairs[["exporter", "importer", "dist", "contig", "shared_sea", "comlang_off", "colony"]].astype(
        {"exporter": str, "importer": str}
    )
    known = set(pc["exporter"].unique()) & set(pc["importer"].unique())
    dropped = [c for c in ctry if c not in known]
    keep = set(ctry) - set(dropped)
    base = pc[pc["exporter"].isin(keep) & pc["importer"].isin(keep) & (pc["exporter"] != pc["importer"])]
    base = base.drop_duplicates(["exporter", "importer"]).sort_values(["exporter", "importer"]).reset_index(drop=True)
    out = pd.DataFrame({"exporter": base["exporter"].to_numpy(), "importer": base["importer"].to_numpy()})
    out["ln_dist"] = np.log(base["dist"].astype("float64").to_numpy())
    for c in ("contig", "shared_sea", "comlang_off", "colony"):
        out[c] = base[c].astype("float64").to_numpy()
    return out, dropped


def _with_values(base: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """``base`` plus a ``value`` column: the flows summed per pair, 0 where none is recorded."""
    v = flows.groupby([flows["exporter"].astype(str), flows["importer"].astype(str)])["value"].sum()
    idx = pd.MultiIndex.from_arrays([base["exporter"], base["importer"]])
    out = base.copy()
    out.insert(2, "value", v.reindex(idx).fillna(0.0).to_numpy(dtype="float64"))
    return out


def gravity_grid(sector_flows: pd.DataFrame, pairs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Square estimation grid of one sector-year: every ordered pair of countries in the data.

    Parameters
    ----------
    sector_flows
        ``exporter, importer, value`` of one sector and year.
    pairs
        Pair covariates (:data:`~tradegap.data.schema.PAIR_COLUMNS`).

    Returns
    -------
    (pandas.DataFrame, list of str)
        The grid ``exporter, importer, value`` (0 where no flow is recorded) with the columns of
        :data:`GRAVITY_TERMS`, sorted by exporter and importer; and the countries dropped because
        the pair covariates lack them.
    """
    ctry = set(sector_flows["exporter"].astype(str).unique()) | set(sector_flows["importer"].astype(str).unique())
    base, dropped = _base_grid(ctry, pairs)
    return _with_values(base, sector_flows), dropped


def _fit_one(sector: str, year: int, grid: pd.DataFrame) -> SectorFit:
    """PPML of one sector-year grid (pure: frame in, result out; safe to run in a worker)."""
    from tradegap.estimate import fepois
    from tradegap.fitnotes import collect_warnings

    notes: list[str] = []
    with collect_warnings(notes):
        res = fepois(GRAVITY_FORMULA, grid, vcov="hc1")
    fitted = pd.DataFrame(
        {
            "exporter": grid["exporter"].to_numpy(),
            "importer": grid["importer"].to_numpy(),
            "actual": grid["value"].to_numpy(),
            "fitted": np.asarray(res.fitted, dtype=float),
        }
    )
    return SectorFit(
        sector=sector,
        year=int(year),
        coef={k: float(v) for k, v in res.coef.items()},
        se={k: float(v) for k, v in res.se.items()},
        nobs=int(res.nobs),
        fitted=fitted,
        converged=bool(res.converged),
        notes=tuple(notes),
    )


#: The stage named in :func:`fit_sectors`' progress reports.
_FIT_STAGE = "Fitting gravity per sector (PPML)"


def _staged(progress: Progress | None) -> Progress | None:
    """``progress`` reporting the per-sector fits as :data:`_FIT_STAGE`."""
    if progress is None:
        return None
    return lambda _stage, done, total: progress(_FIT_STAGE, done, total)


def fit_sectors(
    sector_flows: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[tuple[str, int], SectorFit]:
    """Per-sector, per-year gravity PPML cross-sections, serially or in parallel.

    Parameters
    ----------
    sector_flows
        ``exporter, importer, year, sector, value`` (e.g. from :func:`aggregate`).
    pairs
        Pair covariates (:data:`~tradegap.data.schema.PAIR_COLUMNS`).
    scheduler
        ``None`` or ``"serial"`` (default): one fit after another in this process.
        ``"processes"``: a local process pool; ``"dask"``: a ``dask.distributed``
        ``LocalCluster`` started for the batch; ``"tcp://HOST:PORT"``: an existing Dask
        scheduler (see :mod:`tradegap.batch`).
    workers
        Parallel workers for ``"processes"`` and ``"dask"`` (default: the CPU cores).
    progress
        A :data:`tradegap.progress.Progress` callback, called as ``progress(stage, done, total)``
        after each fit, whichever scheduler runs it.

    Returns
    -------
    dict
        ``{(sector, year): SectorFit}``, identical whichever scheduler ran it.  A fit that
        fails is kept with ``converged=False``, no estimates, empty fitted values and the
        error in its ``notes``: it does not stop the batch.
    """
    from tradegap.batch import check_scheduler, fit_batch

    need = ["exporter", "importer", "year", "sector", "value"]
    missing = [c for c in need if c not in sector_flows.columns]
    if missing:
        raise InputError(
            f"The sector flow table lacks the column(s) {missing}; it has {list(sector_flows.columns)}.",
            hint="Build it with tradegap.sectors.aggregate().",
        )
    check_scheduler("serial" if scheduler is None else scheduler, "fit_sectors")
    tasks = []
    for year, gy in sector_flows.groupby("year", sort=True):
        # one grid per year: all countries trading in any sector that year (a zero in one sector
        # for a country that trades in others is a real zero)
        ctry = set(gy["exporter"].astype(str).unique()) | set(gy["importer"].astype(str).unique())
        base, _ = _base_grid(ctry, pairs)
        for sec, g in gy.groupby("sector", sort=True):
            grid = _with_values(base, g)
            if grid["value"].sum() > 0:
                tasks.append((f"{year}|{sec}", str(sec), int(year), grid))
    if not tasks:
        return {}
    long = pd.concat([grid.assign(_fit=key) for key, _s, _y, grid in tasks], ignore_index=True)
    res = fit_batch(long, GRAVITY_FORMULA, by="_fit", scheduler=scheduler or "serial", workers=workers,
                    keep_fitted=True, progress=_staged(progress), vcov="hc1")
    out = {}
    for key, sec, year, grid in tasks:
        f = res.fits.get(key)
        fitted = pd.DataFrame(
            {
                "exporter": grid["exporter"].to_numpy(),
                "importer": grid["importer"].to_numpy(),
                "actual": grid["value"].to_numpy(),
                "fitted": f.fitted if f is not None else np.full(len(grid), np.nan),
            }
        )
        if f is None:
            out[(sec, year)] = SectorFit(
                sector=sec, year=year, coef={}, se={}, nobs=0, fitted=fitted, converged=False,
                notes=(f"{sec} {year}: the gravity fit failed ({res.failed[key]}); its predictions are empty.",),
            )
        else:
            out[(sec, year)] = SectorFit(
                sector=sec, year=year, coef=f.coef, se=f.se, nobs=f.nobs, fitted=fitted, converged=True,
                notes=f.notes,
            )
    return out


def __getattr__(name: str) -> object:
    """The pair view (:func:`pair_sectors`, :class:`PairSectors`), from :mod:`tradegap.views.sectors`
    on first use (PEP 562): the definitions and fits here never read tradegap's data."""
    if name in ("PairSectors", "pair_sectors"):
        from tradegap.views import sectors as view

        return getattr(view, name)
    raise AttributeError(f"module 'tradegap.sectors' has no attribute {name!r}")
