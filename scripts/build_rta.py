"""Build tradegap's regional-trade-agreement tables from the WTO RTA-IS "All RTAs" workbook.

Run once from the repository root (needs ``openpyxl`` to read the workbook)::

    .venv/bin/python scripts/build_rta.py RAW_DATA_DIR

``RAW_DATA_DIR`` holds ``wto_rta/AllRTAs_WTO_RTAIS_2025-10.xlsx``.  Writes, into
``src/tradegap/data/embedded/``:

* ``rta_agreements.parquet`` — one row per agreement that has entered into force: ``rta_id``,
  ``name``, ``type`` (WTO's: FTA, CU, PSA, EIA and combinations such as "FTA & EIA"),
  ``coverage``, ``status``, ``entry_into_force`` (goods date, else services date),
  ``inactive`` (date or NaT), ``composition``.
* ``rta_members.parquet`` — one row per agreement × member state: ``rta_id``, ``iso3``,
  ``bloc`` (the bloc through which the state takes part, e.g. ``EU``; empty for a direct
  party), ``entry`` and ``exit`` dates (exit NaT while in force).  Member-specific entry and
  exit dates of the workbook ("United Kingdom( - 31-Dec-2020)") and bloc enlargements are
  applied: a state takes part through a bloc only while it is a member of the bloc.
* ``rta_blocs.parquet`` — bloc membership by date: ``bloc``, ``iso3``, ``entry``, ``exit``, read
  from the bloc's own founding agreement in the workbook (EU Treaty, EFTA Convention, EAEU, …).
* ``rta_pairs.parquet`` — one row per **unordered** country pair (``iso_a < iso_b``) and year in
  which at least one agreement is in force for both: ``cu``, ``fta``, ``psa``, ``eia`` (1 if an
  agreement of that kind is in force; "FTA & EIA" sets ``fta`` and ``eia``), ``deepest``
  (CU > FTA > PSA > EIA), ``n_agreements``, ``rta_ids`` (";"-joined) and ``fta_cu_share``, the share of
  the year's days on which an FTA or customs union was in force (e.g. 0.18 for an agreement that
  entered into force on 27 October).

Year convention: an agreement counts in year *t* if it is in force for both states on at least
one day of *t* (entry on or before 31 Dec *t*; exit — the last day in force, or the inactive
date — on or after 1 Jan *t*).  Dates of "01-Jan-9999" (not yet in force for that party) are
treated as never.  Pairs are formed *across* parties: an EU–Mexico agreement pairs each EU
member with Mexico, not EU members with each other (their own agreement is the EU Treaty).
"""

from __future__ import annotations

import re
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "tradegap" / "data" / "embedded"
sys.path.insert(0, str(ROOT / "src"))

from tradegap.countries import to_iso3  # noqa: E402

WORKBOOK = "wto_rta/AllRTAs_WTO_RTAIS_2025-10.xlsx"
FIRST_YEAR, LAST_YEAR = 1948, 2025
NEVER = pd.Timestamp("9999-01-01")

#: WTO names that the generic name matching does not know.
WTO_NAMES: dict[str, str] = {
    "Hong Kong, China": "HKG",
    "Macao, China": "MAC",
    "Democratic Republic of the Congo": "COD",
    "Kosovo (under UNSC res. 1244)": "XKX",
    "Wallis and Futuna Islands": "WLF",
    "Falkland Islands (Islas Malvinas)": "FLK",
    "Netherlands, Kingdom of, with respect to Aruba": "ABW",
    "British Overseas Territory of Saint Helena, Ascension and Tristan da Cunha": "SHN",
}

#: Bloc signatories → (short token, RTA IDs of the bloc's own agreements in the workbook, whose
#: parties and member-specific entry/exit dates give the membership over time).
BLOCS: dict[str, tuple[str, tuple[int, ...]]] = {
    "European Union": ("EU", (120,)),  # EU Treaty (EEC 1958), accessions and the UK's exit
    "European Free Trade Association (EFTA)": ("EFTA", (152,)),
    "Eurasian Economic Union (EAEU)": ("EAEU", (909,)),
    "Southern Common Market (MERCOSUR)": ("MERCOSUR", (130,)),
    "Gulf Cooperation Council (GCC)": ("GCC", (316, 17)),  # customs union 1982-2002, relaunched 2003
    "Southern African Customs Union (SACU)": ("SACU", (7,)),
    "ASEAN Free Trade Area (AFTA)": ("ASEAN", (126, 1170)),  # AFTA 1993-2010, then ATIGA
    "Central American Common Market (CACM)": ("CACM", (151,)),
}

_SPECIFIC = re.compile(r"\s*(.+?)\(\s*([0-9A-Za-z-]*)\s*-\s*([0-9A-Za-z-]*)\s*\)\s*$")


def _iso(name: str) -> str:
    name = name.strip()
    return WTO_NAMES.get(name) or to_iso3(name)


def _date(text: str) -> pd.Timestamp | None:
    text = text.strip()
    return pd.Timestamp(pd.to_datetime(text, format="%d-%b-%Y")) if text else None


def _specific(cell: object) -> dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None]]:
    """Member-specific ``{name: (entry, exit)}`` from the workbook's "Specific Entry/Exit dates"."""
    out: dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None]] = {}
    if not isinstance(cell, str):
        return out
    for part in cell.split(";"):
        m = _SPECIFIC.match(part)
        if not m:
            raise ValueError(f"Cannot parse specific entry/exit {part!r}")
        out[m.group(1).strip()] = (_date(m.group(2)), _date(m.group(3)))
    return out


def _names(cell: object) -> list[str]:
    return [s.strip() for s in cell.split(";") if s.strip()] if isinstance(cell, str) else []


def read_workbook(raw: Path) -> pd.DataFrame:
    """The ``AllRTAs`` sheet, agreements with an entry-into-force date only."""
    a = pd.read_excel(raw / WORKBOOK, sheet_name="AllRTAs")
    a["entry_into_force"] = a["Date of Entry into Force (G)"].fillna(a["Date of Entry into Force (S)"])
    return a[a["entry_into_force"].notna()].reset_index(drop=True)


def parties(row: pd.Series) -> list[tuple[str, pd.Timestamp, pd.Timestamp | None]]:
    """``(name, entry, exit)`` of every party (original, current or with specific dates) of one agreement.

    ``exit`` is the last day in force (or the agreement's inactive date), None while in force.
    """
    spec = _specific(row["Specific Entry/Exit dates"])
    names = list(dict.fromkeys([*_names(row["Original signatories"]), *_names(row["Current signatories"]), *spec]))
    eif = pd.Timestamp(row["entry_into_force"])
    inactive = row["Inactive Date"] if pd.notna(row["Inactive Date"]) else None
    out = []
    for n in names:
        entry, exit_ = spec.get(n, (None, None))
        entry = entry or eif
        if entry >= NEVER:
            continue
        exit_ = exit_ or inactive
        if inactive is not None and exit_ is not None:
            exit_ = min(exit_, inactive)
        out.append((n, max(entry, eif), exit_))
    return out


def bloc_table(a: pd.DataFrame) -> pd.DataFrame:
    """Membership of each bloc over time, from its founding agreement."""
    rows = []
    by_id = a.set_index("RTA ID")
    for token, rids in BLOCS.values():
        for rid in rids:
            for name, entry, exit_ in parties(by_id.loc[rid]):
                rows.append({"bloc": token, "iso3": _iso(name), "entry": entry, "exit": exit_, "rta_id": rid})
    return pd.DataFrame(rows)


def member_table(a: pd.DataFrame, blocs: pd.DataFrame) -> pd.DataFrame:
    """Agreement × member state with entry and exit dates (blocs expanded by membership dates)."""
    rows = []
    for _, row in a.iterrows():
        rid = int(row["RTA ID"])
        for name, entry, exit_ in parties(row):
            if name in BLOCS:
                token = BLOCS[name][0]
                for m in blocs[blocs["bloc"] == token].itertuples(index=False):
                    e0 = max(entry, m.entry)
                    ends = [x for x in (exit_, m.exit) if x is not None and pd.notna(x)]
                    e1 = min(ends) if ends else None
                    if e1 is not None and e1 < e0:
                        continue
                    rows.append({"rta_id": rid, "party": token, "iso3": m.iso3, "bloc": token, "entry": e0, "exit": e1})
            else:
                rows.append({"rta_id": rid, "party": _iso(name), "iso3": _iso(name), "bloc": "", "entry": entry,
                             "exit": exit_})
    out = pd.DataFrame(rows)
    out["exit"] = pd.to_datetime(out["exit"])
    return out


def _years(entry: pd.Timestamp, exit_: pd.Timestamp | None) -> range:
    """Calendar years with at least one day in force; ``exit_`` is read as the first day no longer in force
    (an exit on 1 January leaves that year out; one on 31 December keeps it)."""
    last = LAST_YEAR if exit_ is None or pd.isna(exit_) else min(LAST_YEAR, (exit_ - pd.Timedelta(days=1)).year)
    return range(max(entry.year, FIRST_YEAR), last + 1)


def _share(spans: list[tuple[pd.Timestamp, pd.Timestamp]], year: int) -> float:
    """Share of ``year``'s days covered by the union of ``[start, end)`` spans (0 when none)."""
    covered, end = 0, None
    for a, b in sorted(spans):
        if end is not None and a < end:
            a = end
        if b > a:
            covered += (b - a).days
            end = b
    days = (pd.Timestamp(year=year + 1, month=1, day=1) - pd.Timestamp(year=year, month=1, day=1)).days
    return round(covered / days, 4)


def _bloc_years(blocs: pd.DataFrame) -> dict[tuple[str, int], set[str]]:
    """``{(iso3, year): {bloc tokens}}`` from the bloc membership table."""
    out: dict[tuple[str, int], set[str]] = {}
    for m in blocs.itertuples(index=False):
        for yr in _years(m.entry, m.exit):
            out.setdefault((m.iso3, yr), set()).add(m.bloc)
    return out


def pair_table(a: pd.DataFrame, members: pd.DataFrame, blocs: pd.DataFrame) -> pd.DataFrame:
    """Unordered pair × year rows with the kinds of agreement in force.

    Two members of the same bloc in a year are paired only by the bloc's own agreements: the EU's
    external agreements list every member state, but they do not put France and Germany in an FTA.
    """
    kind = {int(r["RTA ID"]): str(r["Type"]) for _, r in a.iterrows()}
    own = {rid: token for token, rids in BLOCS.values() for rid in rids}
    in_bloc = _bloc_years(blocs)
    recs: dict[tuple[str, str, int], dict] = {}
    for rid, g in members.groupby("rta_id", sort=True):
        t = kind[int(rid)]
        flags = {"cu": "CU" in t, "fta": "FTA" in t, "psa": "PSA" in t, "eia": "EIA" in t}
        ms = list(g.itertuples(index=False))
        for x, y in combinations(ms, 2):
            if x.party == y.party or x.iso3 == y.iso3:
                continue  # two members of the same bloc are not paired by the bloc's external agreement
            e0 = max(x.entry, y.entry)
            ends = [v for v in (x.exit, y.exit) if pd.notna(v)]
            e1 = min(ends) if ends else None
            if e1 is not None and e1 < e0:
                continue
            lo, hi = sorted((x.iso3, y.iso3))
            for yr in _years(e0, e1):
                shared = in_bloc.get((lo, yr), set()) & in_bloc.get((hi, yr), set())
                if shared and own.get(int(rid)) not in shared:
                    continue
                r = recs.setdefault((lo, hi, yr), {"cu": False, "fta": False, "psa": False, "eia": False, "ids": set(),
                                                   "spans": []})
                for k, v in flags.items():
                    r[k] = r[k] or v
                r["ids"].add(int(rid))
                if flags["cu"] or flags["fta"]:
                    y0, y1 = pd.Timestamp(year=yr, month=1, day=1), pd.Timestamp(year=yr + 1, month=1, day=1)
                    r["spans"].append((max(e0, y0), min(e1, y1) if e1 is not None and pd.notna(e1) else y1))
    rows = []
    for (lo, hi, yr), r in recs.items():
        deepest = "CU" if r["cu"] else "FTA" if r["fta"] else "PSA" if r["psa"] else "EIA"
        rows.append({"iso_a": lo, "iso_b": hi, "year": yr, "cu": r["cu"], "fta": r["fta"], "psa": r["psa"],
                     "eia": r["eia"], "deepest": deepest, "n_agreements": len(r["ids"]),
                     "rta_ids": ";".join(map(str, sorted(r["ids"]))), "fta_cu_share": _share(r["spans"], yr)})
    out = pd.DataFrame(rows).sort_values(["iso_a", "iso_b", "year"]).reset_index(drop=True)
    for c in ("cu", "fta", "psa", "eia"):
        out[c] = out[c].astype("int8")
    out["year"] = out["year"].astype("int16")
    out["n_agreements"] = out["n_agreements"].astype("int16")
    for c in ("iso_a", "iso_b", "deepest"):
        out[c] = out[c].astype("category")
    return out


def main(raw: Path) -> None:
    a = read_workbook(raw)
    blocs = bloc_table(a)
    members = member_table(a, blocs)
    pairs = pair_table(a, members, blocs)
    agreements = pd.DataFrame({
        "rta_id": a["RTA ID"].astype(int), "name": a["RTA Name"].astype(str).str.strip(), "type": a["Type"].astype(str),
        "coverage": a["Coverage"].astype(str), "status": a["Status"].astype(str),
        "entry_into_force": a["entry_into_force"], "inactive": a["Inactive Date"],
        "composition": a["RTA Composition"].astype(str),
    })
    opts = {"compression": "zstd", "index": False}
    agreements.to_parquet(OUT / "rta_agreements.parquet", **opts)
    members.to_parquet(OUT / "rta_members.parquet", **opts)
    blocs.assign(exit=pd.to_datetime(blocs["exit"])).to_parquet(OUT / "rta_blocs.parquet", **opts)
    pairs.to_parquet(OUT / "rta_pairs.parquet", **opts)
    print(f"{len(agreements)} agreements, {len(members)} member rows, {len(blocs)} bloc memberships, "
          f"{len(pairs)} pair-years ({pairs['year'].min()}–{pairs['year'].max()}).")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_rta.py RAW_DATA_DIR")
    main(Path(sys.argv[1]))
