"""Sanctions per directed country pair and year, from the Global Sanctions Data Base (GSDB v3).

The package ships the 588 GSDB cases **active at some point in 2013–2022** (one row per case,
``sanctions_cases`` in the embedded data).  Each case names a sanctioned state and one or more
sanctioning states; senders and targets may be blocs.  This module expands every case into the
directed country pairs it affects, year by year, and separates the kinds of sanction.

Coverage
--------
Only cases active in 2013–2022 are in the shipped subset, so the indicator is **complete only for
2013–2022** (:data:`COVERAGE`).  For earlier years a case that was still active in 2013 is known
(e.g. the UN sanctions on Iran from 2006), but cases that ended before 2013 are missing: a 0 there
would be a guess.  :func:`indicator` therefore refuses years outside the coverage unless asked
(``partial=True``), and :func:`attach` writes NaN (unknown) outside it by default.

Blocs
-----
Senders and targets are expanded to member states **for the year in question**:

* ``EU`` / ``EU (all member states)``: EEC/EU membership by accession year — 1958 BEL DEU FRA ITA
  LUX NLD; 1973 DNK GBR IRL; 1981 GRC; 1986 ESP PRT; 1995 AUT FIN SWE; 2004 CYP CZE EST HUN LTU
  LVA MLT POL SVK SVN; 2007 BGR ROU; 2013 HRV; GBR is a member until 2019 (it left on
  31 January 2020; the transition period is not modelled, and GSDB lists the UK's own cases).
* ``UN``: all UN member states in that year, read from the shipped UNGA roll-call data (a state is
  a member from the first to the last year in which it voted; states voting in 2019 are carried
  to 2022).  Expanding UN sanctions to every member follows GSDB's own reading that UN sanctions
  bind all members; pass ``include_un=False`` to leave them out.
* ``G7``: CAN DEU FRA GBR ITA JPN USA.
* ``ECOWAS``, ``African Union`` (MAR from 2017, SSD from 2011), ``League of Arab States``,
  ``SADC`` (COM from 2017), ``MERCOSUR``, ``UNASUR``, ``Pacific Islands Forum``, ``OAS``: their
  member states (static lists in :data:`BLOCS`; the target itself is never its own sender).
* ``Balkans`` / ``Western Balkans`` (as a target of US measures): ALB BIH MKD MNE SRB XKX.

Not expanded, reported by :func:`unmapped` and in the ``unmapped`` column of :func:`cases`:
``Commonwealth``, ``OIC``, ``OSCE``, ``Kimberly Process Participants`` (all without a trade
measure except the Kimberley Process diamond ban on the Central African Republic), and non-state
targets (terrorist organisations, Northern Cyprus).

GSDB's historical names are read as the present-day states (South Vietnam → VNM, Yemen, North →
YEM, Malagasy Republic → MDG, Ceylon → LKA, Transjordan → JOR, Yugoslavia → SRB).

Direction of trade sanctions
----------------------------
``descr_trade`` says what the sender restricts: ``exp_*`` its exports to the target, ``imp_*``
its imports from the target; ``*_compl`` a complete ban, ``*_part`` a partial one.  For a flow
exporter → importer this module reports both

* ``sanction_trade`` — 1 if any trade sanction between the two is in force that year, whoever
  sent it and whichever direction it covers (symmetric in the pair), and
* ``sanction_trade_flow`` — 1 only if a sanction restricts *this* flow: the exporter sanctions the
  importer with an export measure, or the importer sanctions the exporter with an import measure;
  ``sanction_trade_complete`` likewise for complete bans.

``sanction_financial``, ``sanction_arms``, ``sanction_military``, ``sanction_travel`` and
``sanction_other`` are symmetric in the pair; ``sanction_any`` is 1 if any type is in force.
GSDB also records *third-party* sanctions: the US sanctions on Iran do not appear between Iran and
Russia, but they do depress Iran's trade with everyone; see :func:`cases` with ``scope="targets"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from tradegap.coverage import DATASETS, parse_years, span
from tradegap.errors import AssumptionWarning, CoverageError, InputError
from tradegap.fitnotes import collect_warnings
from tradegap.validation import check_option, check_pair

#: Years for which the shipped GSDB subset is complete.
COVERAGE: Final[tuple[int, int]] = DATASETS["gsdb"].usable

#: EU accession year per member state (the UK left in 2020: member 1973–2019).
EU_ACCESSION: Final[dict[str, int]] = {
    **dict.fromkeys(["BEL", "DEU", "FRA", "ITA", "LUX", "NLD"], 1958),
    **dict.fromkeys(["DNK", "GBR", "IRL"], 1973),
    "GRC": 1981,
    **dict.fromkeys(["ESP", "PRT"], 1986),
    **dict.fromkeys(["AUT", "FIN", "SWE"], 1995),
    **dict.fromkeys(["CYP", "CZE", "EST", "HUN", "LTU", "LVA", "MLT", "POL", "SVK", "SVN"], 2004),
    **dict.fromkeys(["BGR", "ROU"], 2007),
    "HRV": 2013,
}
#: Last year of EU membership for states that left.
EU_EXIT: Final[dict[str, int]] = {"GBR": 2019}

_AU = (
    "DZA AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COG COD CIV DJI EGY GNQ ERI SWZ ETH GAB GMB GHA "
    "GIN GNB KEN LSO LBR LBY MDG MWI MLI MRT MUS MOZ NAM NER NGA RWA STP SEN SYC SLE SOM ZAF SDN "
    "TZA TGO TUN UGA ZMB ZWE"
).split()

#: Static bloc memberships: bloc token → {iso3: (first_year, last_year)}.
BLOCS: Final[dict[str, dict[str, tuple[int, int]]]] = {
    "@G7": dict.fromkeys("CAN DEU FRA GBR ITA JPN USA".split(), (1975, 9999)),
    "@ECOWAS": dict.fromkeys(
        "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI NER NGA SEN SLE TGO".split(), (1975, 9999)
    ),
    "@AU": {**dict.fromkeys(_AU, (2002, 9999)), "SSD": (2011, 9999), "MAR": (2017, 9999)},
    "@LAS": dict.fromkeys(
        "DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN PSE QAT SAU SOM SDN SYR TUN ARE YEM".split(),
        (1945, 9999),
    ),
    "@SADC": {
        **dict.fromkeys(
            "AGO BWA COD LSO MDG MWI MUS MOZ NAM SYC ZAF SWZ TZA ZMB ZWE".split(), (1992, 9999)
        ),
        "COM": (2017, 9999),
    },
    "@MERCOSUR": {**dict.fromkeys("ARG BRA PRY URY".split(), (1991, 9999)), "VEN": (2012, 2016)},
    "@UNASUR": dict.fromkeys(
        "ARG BOL BRA CHL COL ECU GUY PRY PER SUR URY VEN".split(), (2008, 2018)
    ),
    "@PIF": dict.fromkeys(
        "AUS COK FJI FSM KIR MHL NRU NZL NIU PLW PNG WSM SLB TON TUV VUT".split(), (1971, 9999)
    ),
    "@OAS": dict.fromkeys(
        (
            "ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND "
            "JAM MEX NIC PAN PRY PER KNA LCA VCT SUR TTO USA URY VEN"
        ).split(),
        (1948, 9999),
    ),
    "@WBALKANS": dict.fromkeys("ALB BIH MKD MNE SRB XKX".split(), (1990, 9999)),
}

#: Bloc tokens the module does not expand (membership not encoded); cases naming them keep the
#: token in the ``unmapped`` column of :func:`cases`.
UNEXPANDED_BLOCS: Final[dict[str, str]] = {
    "@COMMONWEALTH": "Commonwealth",
    "@OIC": "OIC",
    "@OSCE": "OSCE",
    "@KPCS": "Kimberly Process Participants",
}

TYPE_COLUMNS: Final[tuple[str, ...]] = (
    "sanction_trade",
    "sanction_trade_flow",
    "sanction_trade_complete",
    "sanction_financial",
    "sanction_arms",
    "sanction_military",
    "sanction_travel",
    "sanction_other",
    "sanction_any",
)
INDICATOR_COLUMNS: Final[tuple[str, ...]] = ("exporter", "importer", "year", *TYPE_COLUMNS, "n_cases")

Scope = Literal["pair", "targets"]
BeforeCoverage = Literal["nan", "known"]


# --------------------------------------------------------------------------- data


def _embedded_path(name: str) -> Path:
    return Path(__file__).resolve().parent / "data" / "embedded" / f"{name}.parquet"


@lru_cache(maxsize=1)
def _cases_raw() -> pd.DataFrame:
    path = _embedded_path("sanctions_cases")
    if not path.exists():  # pragma: no cover - broken install
        raise CoverageError(
            f"The embedded sanctions table {path.name} is missing from the package.",
            hint="Reinstall tradegap or rebuild it with scripts/build_policy_data.py.",
        )
    return pd.read_parquet(path)


def case_table() -> pd.DataFrame:
    """All shipped GSDB cases, one row per case.

    Returns
    -------
    pandas.DataFrame
        GSDB's columns (``case_id, sanctioned_state, sanctioning_state, begin, end, trade,
        descr_trade, arms, military, financial, travel, other, target_mult, sender_mult,
        objective, success``) plus ``sender_codes`` / ``target_codes`` (comma-separated ISO3
        codes and bloc tokens such as ``@EU``) and ``unmapped_senders`` / ``unmapped_targets``.
    """
    return _cases_raw().copy()


@lru_cache(maxsize=1)
def _un_members() -> dict[int, tuple[str, ...]]:
    """UN member states per year, sorted ISO3 codes."""
    from tradegap.politics import un_membership

    m = un_membership()
    out: dict[int, set[str]] = {}
    for iso3, first, last in m.itertuples(index=False):
        for y in range(int(first), int(last) + 1):
            out.setdefault(y, set()).add(iso3)
    return {y: tuple(sorted(s)) for y, s in out.items()}


def members(token: str, year: int) -> list[str]:
    """Member states of a bloc token (``@EU``, ``@UN``, ``@G7``…) in a year, sorted ISO3 codes.

    A plain ISO3 code is returned as itself; an unexpanded bloc gives an empty list.
    """
    if not token.startswith("@"):
        return [token]
    if token == "@EU":
        return sorted(
            c for c, y0 in EU_ACCESSION.items() if y0 <= year <= EU_EXIT.get(c, 9999)
        )
    if token == "@UN":
        un = _un_members()
        last = max(un)
        return list(un.get(min(year, last), ()))
    if token in BLOCS:
        return sorted(c for c, (a, b) in BLOCS[token].items() if a <= year <= b)
    return []


def unmapped() -> pd.DataFrame:
    """Cases with a sender or target the module cannot expand to states (never dropped silently).

    Returns
    -------
    pandas.DataFrame
        ``case_id, sanctioned_state, sanctioning_state, begin, end, unmapped`` — the names or
        bloc tokens that contribute no country pair.
    """
    c = _cases_raw()
    rows = []
    for r in c.itertuples(index=False):
        bad = [x for x in (r.unmapped_senders, r.unmapped_targets) if x]
        toks = [UNEXPANDED_BLOCS[t] for t in f"{r.sender_codes},{r.target_codes}".split(",") if t in UNEXPANDED_BLOCS]
        bad += toks
        if bad:
            rows.append((r.case_id, r.sanctioned_state, r.sanctioning_state, r.begin, r.end, "; ".join(bad)))
    return pd.DataFrame(
        rows, columns=["case_id", "sanctioned_state", "sanctioning_state", "begin", "end", "unmapped"]
    )


# --------------------------------------------------------------------------- expansion


def _expand(codes: str, year: int, *, include_un: bool) -> list[str]:
    out: list[str] = []
    for tok in codes.split(","):
        if not tok or (tok == "@UN" and not include_un):
            continue
        out.extend(members(tok, year))
    return sorted(set(out))


@lru_cache(maxsize=4)
def _pairs(include_un: bool) -> pd.DataFrame:
    """Sender → target pairs per case and year: one row per (case, year, sender, target)."""
    c = _cases_raw()
    cols: dict[str, list] = {k: [] for k in ("case_id", "year", "sender", "target")}
    expanded: dict[tuple[str, int], list[str]] = {}  # many cases share a sender list (e.g. the EU)

    def expand(codes: str, year: int) -> list[str]:
        key = (codes, year)
        if key not in expanded:
            expanded[key] = _expand(codes, year, include_un=include_un)
        return expanded[key]

    for r in c.itertuples(index=False):
        for year in range(int(r.begin), int(r.end) + 1):
            targets = expand(r.target_codes, year)
            if not targets:
                continue
            senders = expand(r.sender_codes, year)
            for t in targets:
                s = [x for x in senders if x != t]
                cols["case_id"].extend([r.case_id] * len(s))
                cols["year"].extend([year] * len(s))
                cols["sender"].extend(s)
                cols["target"].extend([t] * len(s))
    p = pd.DataFrame(cols)
    p["case_id"] = p["case_id"].astype("int32")
    p["year"] = p["year"].astype("int16")
    flags = c.set_index("case_id")[["trade", "descr_trade", "financial", "arms", "military", "travel", "other"]].copy()
    # the direction flags per case (a few hundred), then joined to the pairs with the other flags
    d = flags["descr_trade"].astype(str)
    trade = flags["trade"] == 1
    for col, word in (("exp", "exp_"), ("imp", "imp_"), ("exp_compl", "exp_compl"), ("imp_compl", "imp_compl")):
        flags[col] = (trade & d.str.contains(word, regex=False)).astype("int8")
    return p.join(flags, on="case_id")


@lru_cache(maxsize=4)
def _indicator_all(include_un: bool) -> pd.DataFrame:
    p = _pairs(include_un)
    sym = ["trade", "financial", "arms", "military", "travel", "other"]
    # the flow sender → target is restricted by export measures; target → sender by import measures
    fwd = pd.DataFrame(
        {
            "exporter": p["sender"], "importer": p["target"], "year": p["year"], "case_id": p["case_id"],
            "flow": p["exp"], "complete": p["exp_compl"], **{k: p[k] for k in sym},
        }
    )
    bwd = pd.DataFrame(
        {
            "exporter": p["target"], "importer": p["sender"], "year": p["year"], "case_id": p["case_id"],
            "flow": p["imp"], "complete": p["imp_compl"], **{k: p[k] for k in sym},
        }
    )
    both = pd.concat([fwd, bwd], ignore_index=True)
    g = both.groupby(["exporter", "importer", "year"], sort=True)
    out = g[["flow", "complete", *sym]].max()
    out["n_cases"] = g["case_id"].nunique()
    out = out.reset_index().rename(
        columns={
            "flow": "sanction_trade_flow",
            "complete": "sanction_trade_complete",
            **{k: f"sanction_{k}" for k in sym},
        }
    )
    out["sanction_any"] = 1
    for k in TYPE_COLUMNS:
        out[k] = out[k].astype("int8")
    out["n_cases"] = out["n_cases"].astype("int32")
    out["year"] = out["year"].astype("int64")
    out["exporter"] = out["exporter"].astype(str)
    out["importer"] = out["importer"].astype(str)
    return out[list(INDICATOR_COLUMNS)]


def _check_years(years, *, partial: bool) -> list[int] | None:
    parsed = parse_years(years, where="indicator")
    if parsed is None:
        return None
    ys = list(parsed)
    outside = [y for y in ys if not COVERAGE[0] <= y <= COVERAGE[1]]
    if outside and not partial:
        raise CoverageError(
            f"The shipped GSDB subset covers sanctions completely only for {COVERAGE[0]}–{COVERAGE[1]};"
            f" years {outside} are outside it (cases that ended before {COVERAGE[0]} are missing).",
            hint=(
                f"Ask for years in {COVERAGE[0]}–{COVERAGE[1]}, or pass partial=True to get the cases known"
                " to be active in earlier years (a lower bound), or use attach(), which writes NaN there."
            ),
        )
    return ys


def indicator(
    *, years: Iterable[int] | int | None = None, include_un: bool = True, partial: bool = False
) -> pd.DataFrame:
    """Sanctions in force per directed pair and year (sparse: only pairs with a sanction).

    Parameters
    ----------
    years
        Years to return; default all of :data:`COVERAGE` (2013–2022).  Years outside the coverage
        raise :class:`~tradegap.errors.CoverageError` unless ``partial=True``.
    include_un
        Expand UN sanctions to all UN member states (default) or leave them out.
    partial
        Allow years outside the coverage; rows there are the cases *known* to be active (a lower
        bound: cases that ended before 2013 are missing from the shipped subset).

    Returns
    -------
    pandas.DataFrame
        Columns ``exporter, importer, year`` (ISO3, ISO3, int), the int8 indicators
        ``sanction_trade`` (a trade sanction between the two, either direction: symmetric),
        ``sanction_trade_flow`` (a trade sanction restricts this exporter → importer flow),
        ``sanction_trade_complete`` (a complete ban on this flow), ``sanction_financial``,
        ``sanction_arms``, ``sanction_military``, ``sanction_travel``, ``sanction_other``,
        ``sanction_any`` (all symmetric), and ``n_cases`` (GSDB cases behind the row).  A directed
        pair-year *absent* from the frame has no sanction (0) within the coverage.

    Examples
    --------
    >>> ind = indicator(years=[2015])
    >>> ind.query("exporter == 'RUS' and importer == 'USA'")["sanction_trade"].item()
    1
    """
    check_option("include_un", include_un, (True, False), "indicator")
    check_option("partial", partial, (True, False), "indicator")
    ys = _check_years(years, partial=partial)
    out = _indicator_all(include_un)
    if ys is None:
        out = out[out["year"].between(*COVERAGE)]
    else:
        out = out[out["year"].isin(ys)]
    return out.reset_index(drop=True).copy()


def attach(
    panel: pd.DataFrame,
    *,
    exporter: str = "exporter",
    importer: str = "importer",
    year: str = "year",
    include_un: bool = True,
    before_coverage: BeforeCoverage = "nan",
) -> pd.DataFrame:
    """Add the sanction indicators to a panel of directed pair-years (e.g. a gravity sample).

    Parameters
    ----------
    panel
        Frame with exporter, importer (ISO3) and year columns; not modified.
    exporter, importer, year
        Names of those columns.
    include_un
        See :func:`indicator`.
    before_coverage : {"nan", "known"}
        For years outside 2013–2022: ``"nan"`` (default) marks the indicators unknown; ``"known"``
        writes 1 where a shipped case is known to be active and 0 elsewhere (a lower bound; an
        :class:`~tradegap.errors.AssumptionWarning` says so).

    Returns
    -------
    pandas.DataFrame
        A copy of ``panel`` with the columns of :data:`TYPE_COLUMNS` (float: 0/1, NaN = unknown)
        and ``sanction_covered`` (bool: year within the coverage).
    """
    import warnings

    check_option("before_coverage", before_coverage, BeforeCoverage, "attach")
    check_option("include_un", include_un, (True, False), "attach")
    missing = [c for c in (exporter, importer, year) if c not in panel.columns]
    if missing:
        raise InputError(
            f"The panel lacks the column(s) {missing}; it has {list(panel.columns)}.",
            hint="Name the columns with exporter=, importer=, year=.",
        )
    ind = _indicator_all(include_un)
    key = pd.DataFrame(
        {
            "exporter": panel[exporter].astype(str).to_numpy(),
            "importer": panel[importer].astype(str).to_numpy(),
            "year": pd.to_numeric(panel[year]).astype("int64").to_numpy(),
        }
    )
    merged = key.merge(ind, on=["exporter", "importer", "year"], how="left", validate="many_to_one")
    covered = key["year"].between(*COVERAGE).to_numpy()
    out = panel.copy()
    for col in TYPE_COLUMNS:
        v = merged[col].astype("float64").fillna(0.0).to_numpy()
        if before_coverage == "nan":
            v = np.where(covered, v, np.nan)
        out[col] = v
    out["sanction_covered"] = covered
    if before_coverage == "known" and not covered.all():
        warnings.warn(
            f"{int((~covered).sum())} rows lie outside the GSDB subset's coverage {COVERAGE[0]}–{COVERAGE[1]};"
            " their sanction indicators are a lower bound (cases that ended before 2013 are missing).",
            AssumptionWarning,
            stacklevel=2,
        )
    return out


# --------------------------------------------------------------------------- cases


def _iso3(code: str) -> str:
    from tradegap.countries import to_iso3

    return to_iso3(code)


def _types(r) -> str:
    parts = []
    if r.trade:
        parts.append(f"trade ({r.descr_trade})" if r.descr_trade else "trade")
    for k in ("financial", "arms", "military", "travel", "other"):
        if getattr(r, k):
            parts.append(k)
    return ", ".join(parts)


def cases(a: str, b: str | None = None, *, scope: Scope = "pair", include_un: bool = True) -> pd.DataFrame:
    """GSDB cases between two countries (or naming one country), blocs expanded.

    Parameters
    ----------
    a, b
        Countries (ISO3 or names).  With ``b=None``, every case in which ``a`` is a sender or
        target (directly or through a bloc).
    scope : {"pair", "targets"}
        ``"pair"``: cases in which one of the two sanctions the other (directly or through a bloc
        such as the UN or the EU).  ``"targets"``: also every case against ``a`` or ``b`` by any
        sender (third-party sanctions such as the US and EU sanctions on Iran, or on Russia from
        2014), which restrict the countries' trade with the world, not with each other.
    include_un
        Count UN sanctions as sent by every UN member (default), or not.

    Returns
    -------
    pandas.DataFrame
        One row per case: ``case_id, relation`` (e.g. ``"IRN sanctions RUS"``, ``"on IRN"``),
        ``sanctioning_state, sanctioned_state`` (as written in GSDB), ``via`` (how each of the
        two countries is involved, e.g. ``"RUS via UN; IRN direct"``), ``begin, end, types,
        trade, descr_trade, financial, arms, military, travel, other, objective, unmapped``,
        sorted by begin year.
    """
    check_option("scope", scope, Scope, "cases")
    check_option("include_un", include_un, (True, False), "cases")
    a3 = _iso3(a)
    b3 = _iso3(b) if b is not None else None
    p = _pairs(include_un)
    c = _cases_raw().set_index("case_id")
    rel: dict[int, list[str]] = {}

    def add(ids, label):
        for i in np.unique(ids):
            rel.setdefault(int(i), [])
            if label not in rel[int(i)]:
                rel[int(i)].append(label)

    if b3 is None:
        add(p.loc[p["sender"] == a3, "case_id"], f"{a3} sanctions")
        add(p.loc[p["target"] == a3, "case_id"], f"on {a3}")
    else:
        add(p.loc[(p["sender"] == a3) & (p["target"] == b3), "case_id"], f"{a3} sanctions {b3}")
        add(p.loc[(p["sender"] == b3) & (p["target"] == a3), "case_id"], f"{b3} sanctions {a3}")
        if scope == "targets":
            add(p.loc[p["target"] == a3, "case_id"], f"on {a3}")
            add(p.loc[p["target"] == b3, "case_id"], f"on {b3}")
    rows = []
    names = [x for x in (a3, b3) if x]
    mine = p.loc[p["case_id"].isin(list(rel)) & (p["sender"].isin(names) | p["target"].isin(names))]
    present = {side: set(zip(mine["case_id"].astype(int), mine[side], strict=True)) for side in ("sender", "target")}
    for cid, labels in rel.items():
        r = c.loc[cid]
        via = []
        for side, codes in (("sender", r.sender_codes), ("target", r.target_codes)):
            toks = codes.split(",")
            for x in names:
                if (cid, x) not in present[side]:
                    continue
                if x in toks:
                    via.append(f"{x} direct")
                blocs = [
                    t[1:] for t in toks
                    if t.startswith("@") and any(x in members(t, y) for y in range(int(r.begin), int(r.end) + 1))
                ]
                if blocs:
                    via.append(f"{x} via {'/'.join(blocs)}")
        rows.append(
            {
                "case_id": cid,
                "relation": "; ".join(labels),
                "sanctioning_state": r.sanctioning_state,
                "sanctioned_state": r.sanctioned_state,
                "via": "; ".join(dict.fromkeys(via)),
                "begin": int(r.begin),
                "end": int(r.end),
                "types": _types(r),
                "trade": int(r.trade),
                "descr_trade": r.descr_trade,
                "financial": int(r.financial),
                "arms": int(r.arms),
                "military": int(r.military),
                "travel": int(r.travel),
                "other": int(r.other),
                "objective": r.objective,
                "unmapped": "; ".join(x for x in (r.unmapped_senders, r.unmapped_targets) if x),
            }
        )
    cols = [
        "case_id", "relation", "sanctioning_state", "sanctioned_state", "via", "begin", "end", "types",
        "trade", "descr_trade", "financial", "arms", "military", "travel", "other", "objective", "unmapped",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["begin", "case_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- a pair's sanctions

#: What the fields of :attr:`PairSanctions.flags` mean (part of the JSON payload).
FLAG_DEFINITIONS: Final[dict[str, str]] = {
    "sanction_trade": "a trade sanction between the two, either direction (symmetric)",
    "sanction_trade_flow": "a trade sanction restricts this exporter → importer flow",
    "sanction_trade_complete": "a complete ban on this flow",
    "sanction_any": "a sanction of any type between the two",
    "n_cases": "GSDB cases behind the row",
    "null": "unknown: the year lies outside the coverage",
}


@dataclass(frozen=True)
class PairSanctions:
    """GSDB cases between two countries (or naming one) active in some years, and per-year flags.

    Attributes
    ----------
    a, b : str
        ISO3 codes; ``b`` is None when one country was asked.
    scope, include_un, partial
        The options used (see :func:`between`).
    years : tuple of int
        The years asked.
    cases : pandas.DataFrame
        The rows of :func:`cases` active in at least one of ``years``.
    flags : pandas.DataFrame or None
        For a pair: one row per direction and year, ``exporter, importer, year, covered`` and the
        nullable 0/1 columns of :data:`TYPE_COLUMNS` plus ``n_cases`` (``<NA>`` = unknown: outside
        the coverage without ``partial``).  None for one country.
    notes : tuple of str
        Coverage, scope and data caveats.
    """

    a: str
    b: str | None
    scope: Scope
    years: tuple[int, ...]
    include_un: bool
    partial: bool
    cases: pd.DataFrame = field(repr=False)
    flags: pd.DataFrame | None = field(repr=False)
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The cases table (a copy)."""
        return self.cases.copy()

    def to_dict(self) -> dict[str, Any]:
        """Options, coverage, notes, definitions, cases and flags (frames as given; faces serialise)."""
        return {
            "a": self.a,
            "b": self.b,
            "scope": self.scope if self.b else None,
            "years": list(self.years),
            "include_un": self.include_un,
            "partial": self.partial,
            "coverage": list(COVERAGE),
            "source": f"Global Sanctions Data Base (GSDB v3), cases active {DATASETS['gsdb'].span}",
            "notes": list(self.notes),
            "definitions": dict(FLAG_DEFINITIONS),
            "cases": self.cases,
            "indicator": self.flags,
        }


def _pair_flags(a3: str, b3: str, years: list[int], *, include_un: bool, partial: bool,
                notes: list[str]) -> pd.DataFrame:
    """Per-year indicator rows for both directions (:func:`attach` plus :func:`indicator`'s case counts)."""
    panel = pd.DataFrame(
        {
            "exporter": [a3] * len(years) + [b3] * len(years),
            "importer": [b3] * len(years) + [a3] * len(years),
            "year": years + years,
        }
    )
    with collect_warnings(notes):
        flags = attach(panel, include_un=include_un, before_coverage="known" if partial else "nan")
    ind = indicator(years=years, include_un=include_un, partial=True)
    n = ind.set_index(["exporter", "importer", "year"])["n_cases"]
    idx = pd.MultiIndex.from_frame(flags[["exporter", "importer", "year"]])
    counts = pd.Series(n.reindex(idx).to_numpy(), index=flags.index).fillna(0)
    flags["n_cases"] = counts.where(flags["sanction_covered"] | partial)
    cols = [*TYPE_COLUMNS, "n_cases"]
    flags[cols] = flags[cols].astype("Int64")
    flags = flags.rename(columns={"sanction_covered": "covered"})
    flags = flags[["exporter", "importer", "year", "covered", *cols]]
    return flags.sort_values(["year", "exporter"]).reset_index(drop=True)


def _pair_notes(a3: str, b3: str | None, ys: list[int], found: pd.DataFrame, *, scope: str,
                include_un: bool, partial: bool) -> list[str]:
    """Coverage, scope and data caveats for :func:`between`."""
    lo, hi = COVERAGE
    if b3 is None:
        notes = [f"The shipped GSDB v3 subset holds only the sanctions cases active in {lo}–{hi}."]
    elif partial:
        notes = [
            f"The shipped GSDB v3 subset holds the sanctions cases active in {lo}–{hi}: the flags are complete"
            f" only for {lo}–{hi}; earlier years are a lower bound (partial, --partial)."
        ]
    else:
        notes = [
            f"The shipped GSDB v3 subset holds the sanctions cases active in {lo}–{hi}: the flags are complete"
            f" only for {lo}–{hi}. Years outside it show as unknown ('?'); partial (--partial) gives a lower"
            f" bound before {lo}."
        ]
    outside = [y for y in ys if not lo <= y <= hi]
    if outside:
        notes.append(
            f"Outside the coverage: {span(outside)}. Cases that ended before {lo} or began after {hi} are missing"
            " from the list."
        )
    if b3 is not None and scope == "pair":
        notes.append(
            f"Only sanctions between {a3} and {b3} are listed; third-party sanctions on either (which depress its"
            " trade with everyone) are listed with scope 'targets' (--scope targets)."
        )
    if include_un and found["via"].str.contains("via UN", regex=False).any():
        notes.append(
            "UN sanctions count as sent by every UN member state (GSDB's reading); include_un=False (--no-un)"
            " leaves them out."
        )
    n_unmapped = int((found["unmapped"].astype(str) != "").sum())
    if n_unmapped:
        notes.append(
            f"{n_unmapped} case(s) name senders or targets that are not states (e.g. blocs without a member list);"
            " they contribute no country pair (see the 'unmapped' field)."
        )
    return notes


def between(
    a: str,
    b: str | None = None,
    *,
    years: int | str | Iterable[int] | None = None,
    scope: Scope = "pair",
    include_un: bool = True,
    partial: bool = False,
) -> PairSanctions:
    """Sanctions between two countries (or naming one): GSDB cases active in ``years`` and per-year flags.

    Parameters
    ----------
    a, b : str
        Countries by name or code; ``b=None`` lists every case naming ``a`` (no flags).
    years : int, str or iterable of int, optional
        ``2019``, ``"2014-2020"``, a list; default the GSDB coverage (2013–2022).  Years outside the
        coverage are allowed: their flags are unknown unless ``partial``.
    scope : {"pair", "targets"}
        See :func:`cases`.
    include_un : bool
        Count UN sanctions as sent by every UN member (default).
    partial : bool
        Outside the coverage, flag the cases known to be active (a lower bound) instead of unknown.

    Returns
    -------
    PairSanctions
    """
    from tradegap.countries import to_iso3_many

    check_option("scope", scope, Scope, "between")
    check_option("include_un", include_un, (True, False), "between")
    check_option("partial", partial, (True, False), "between")
    if b is None:
        a3, b3 = _iso3(a), None
    else:
        codes = to_iso3_many([a, b])  # both unknown names in one error
        a3, b3 = check_pair(codes[a], codes[b], "sanctions", given=(a, b))
    ys = list(parse_years(years, where="between") or range(DATASETS["gsdb"].first, DATASETS["gsdb"].last + 1))
    found = cases(a3, b3, scope=scope, include_un=include_un)
    active = [any(lo <= y <= hi for y in ys) for lo, hi in zip(found["begin"], found["end"], strict=True)]
    found = found[pd.Series(active, index=found.index, dtype=bool)].reset_index(drop=True)
    warned: list[str] = []
    flags = None if b3 is None else _pair_flags(a3, b3, ys, include_un=include_un, partial=partial, notes=warned)
    notes = _pair_notes(a3, b3, ys, found, scope=scope, include_un=include_un, partial=partial)
    notes[1:1] = warned
    return PairSanctions(a=a3, b=b3, scope=scope, years=tuple(ys), include_un=include_un, partial=partial,
                         cases=found, flags=flags, notes=tuple(notes))
