"""Build the policy tables tradegap ships: GSDB sanctions, UNGA votes, UNCTAD SITC sections 2015.

Run once from the repository root, pointing at the folder of raw public data::

    .venv/bin/python scripts/build_policy_data.py /path/to/shared/data [sanctions] [unga] [sitc]

Writes, into ``src/tradegap/data/embedded/``:

* ``sanctions_cases.parquet`` — the 588 Global Sanctions Data Base v3 cases active 2013–2022,
  one row per case, with the sender and target lists parsed into ISO3 codes and bloc tokens
  (``@EU``, ``@UN``, ...); names that map to neither are kept in ``unmapped_senders`` /
  ``unmapped_targets`` (never dropped silently).
* ``unga_votes.parquet`` (rcid, iso3 as dictionary, vote int8: 1 yes, 2 abstain, 3 no) and
  ``unga_rollcalls.parquet`` (rcid, session, year, date, importantvote, unres, short, issues).
* ``flows_sitc.parquet`` (source ``"sitc"``) — UNCTADstat bilateral trade by SITC section (0–9), 2015, thousand USD,
  canonical flow columns; country names mapped to ISO3, unmatched names reported on stderr.

The script is the only place that reads the raw files; the package reads the Parquet files.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "tradegap" / "data" / "embedded"

# --------------------------------------------------------------------------- country names

#: Names used by GSDB / UNCTAD that generic matching gets wrong or cannot know (historical
#: names used by GSDB for present-day states; UNCTAD's names with spaces removed).
NAME_OVERRIDES: dict[str, str] = {
    # GSDB (Correlates-of-War style historical names for current states)
    "South Vietnam": "VNM",
    "Yemen, North": "YEM",
    "Malagasy Republic": "MDG",
    "Ceylon": "LKA",
    "Transjordan": "JOR",
    "Gambia, The": "GMB",
    "Yugoslavia": "SRB",
    "Macedonia": "MKD",
    "Kosovo": "XKX",
    "Taiwan": "TWN",
    "Hong Kong": "HKG",
    "Russia": "RUS",
    "Iran": "IRN",
    "Syria": "SYR",
    "North Korea": "PRK",
    "South Korea": "KOR",
    "Laos": "LAO",
    "Palestine": "PSE",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Moldova": "MDA",
    "Tanzania": "TZA",
    "Czech Republic": "CZE",
    "Cote d'Ivoire": "CIV",
    "Democratic Republic of the Congo": "COD",
    "Turkey": "TUR",
    "Vietnam": "VNM",
    # UNCTAD (spaces stripped in the source)
    "IranIslamicRepublic": "IRN",
    "RussianFederation": "RUS",
    "ChinaHongKongSAR": "HKG",
    "ChinaMacaoSAR": "MAC",
    "ChinaTaiwanProvince": "TWN",
    "KoreaDemPeoples": "PRK",
    "KoreaRepublicof": "KOR",
    "LaoPeoplesDemRep": "LAO",
    "DemRepoftheCongo": "COD",
    "Congo": "COG",
    "CotedIvoire": "CIV",
    "RepublicofMoldova": "MDA",
    "TFYRofMacedonia": "MKD",
    "TanzaniaUnitedRepublic": "TZA",
    "MicronesiaFedSts": "FSM",
    "SaoTomeandPricipe": "STP",
    "StateofPalestine": "PSE",
    "Swaziland": "SWZ",
    "SyrianArabRepublic": "SYR",
    "VietNam": "VNM",
    "Bolivia ": "BOL",
    "FaeroeIslands": "FRO",
    "FalklandIslands": "FLK",
    "NorthernMarianas": "MNP",
    "SintBonaire": "BES",
    "SintMaarten": "SXM",
    "Curacao": "CUW",
    "SaintHelena": "SHN",
    "WallisandFutuna": "WLF",
    "TurksandCaicos": "TCA",
    "BritishVirginIslands": "VGB",
    "HolySee": "VAT",
    "CaboVerde": "CPV",
    "TimorLeste": "TLS",
    "BruneiDarussalam": "BRN",
    "Turkey ": "TUR",
    "WesternSahara": "ESH",
    "SaintVincentandGrenadines": "VCT",
}

#: Sender/target names that stand for a bloc, expanded by year in :mod:`tradegap.sanctions`.
BLOC_TOKENS: dict[str, str] = {
    "EU": "@EU",
    "EU (all member states)": "@EU",
    "European Union": "@EU",
    "UN": "@UN",
    "G7": "@G7",
    "ECOWAS": "@ECOWAS",
    "African Union": "@AU",
    "League of Arab States": "@LAS",
    "SADC": "@SADC",
    "MERCOSUR": "@MERCOSUR",
    "UNASUR": "@UNASUR",
    "Pacific Islands Forum": "@PIF",
    "Commonwealth": "@COMMONWEALTH",
    "OAS": "@OAS",
    "OIC": "@OIC",
    "OSCE": "@OSCE",
    "Kimberly Process Participants": "@KPCS",
    "Balkans": "@WBALKANS",
    "Western Balkans": "@WBALKANS",
}

#: Names that are not states (no trade flows to attach a sanction to): kept as unmapped.
NON_STATES = {
    "Terrorist Organizations (Al-Qaeda)",
    "Terrorist Organizations (Taliban)",
    "Terrorist Organizations (ISIL and ANF)",
    "Cyprus (Northern)",
}

#: Tokens containing a comma that must not be split.
COMMA_NAMES = ("Yemen, North", "Gambia, The")


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", s.lower())


def _pycountry_table() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            v = getattr(c, attr, None)
            if v:
                table.setdefault(_norm(v), c.alpha_3)
    return table


def names_to_iso3(names) -> tuple[dict[str, str], list[str]]:
    """Map names to ISO3: overrides, then tradegap.countries if present, then pycountry."""
    names = sorted(set(names))
    out: dict[str, str] = {}
    rest = []
    for n in names:
        if n in NAME_OVERRIDES:
            out[n] = NAME_OVERRIDES[n]
        else:
            rest.append(n)
    table = _pycountry_table()
    unmatched = []
    try:
        from tradegap.countries import to_iso3  # DATA owner's module
    except ImportError:  # pragma: no cover - before the countries module exists
        to_iso3 = None
    for n in rest:
        code = None
        if to_iso3 is not None:
            try:
                code = to_iso3(n)
            except LookupError:
                code = None
        if code is None:
            code = table.get(_norm(n))
        if code is None:
            unmatched.append(n)
        else:
            out[n] = code
    return out, unmatched


# --------------------------------------------------------------------------- sanctions


def _split_parties(text: str) -> list[str]:
    text = str(text).strip()
    placeholders = {}
    for i, name in enumerate(COMMA_NAMES):
        if name in text:
            key = f"\x00{i}\x00"
            placeholders[key] = name
            text = text.replace(name, key)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return [placeholders.get(p, p) for p in parts]


def build_sanctions(raw: Path, filename: str = "gsdb_v3_subset_active_2013_2022.csv") -> pd.DataFrame:
    src = raw / "sanctions_gsdb" / filename
    d = pd.read_csv(src, encoding="utf-8-sig")
    all_names = set()
    for col in ("sanctioning_state", "sanctioned_state"):
        for t in d[col]:
            all_names.update(_split_parties(t))
    plain = [n for n in all_names if n not in BLOC_TOKENS and n not in NON_STATES]
    mapping, unmatched = names_to_iso3(plain)

    def parse(text: str) -> tuple[str, str]:
        codes, bad = [], []
        for p in _split_parties(text):
            if p in BLOC_TOKENS:
                codes.append(BLOC_TOKENS[p])
            elif p in mapping:
                codes.append(mapping[p])
            else:
                bad.append(p)
        return ",".join(dict.fromkeys(codes)), "; ".join(bad)

    s = d["sanctioning_state"].map(parse)
    t = d["sanctioned_state"].map(parse)
    out = d.copy()
    out["descr_trade"] = out["descr_trade"].fillna("").str.replace(" ", "", regex=False)
    out["sender_codes"] = [a for a, _ in s]
    out["unmapped_senders"] = [b for _, b in s]
    out["target_codes"] = [a for a, _ in t]
    out["unmapped_targets"] = [b for _, b in t]
    for c in ("trade", "arms", "military", "financial", "travel", "other", "target_mult", "sender_mult"):
        out[c] = out[c].astype("int8")
    for c in ("case_id", "begin", "end"):
        out[c] = out[c].astype("int32")
    if unmatched:
        print(f"sanctions: names not mapped to ISO3 (kept in unmapped_*): {unmatched}", file=sys.stderr)
    return out


# --------------------------------------------------------------------------- UNGA votes

#: ISO2 code (as in the unvotes data) → ISO3 of the entity that held the seat, by session year.
#: The unvotes data files the USSR (1946–1991) and Russia under "RU", and SFR Yugoslavia, FR
#: Yugoslavia / Serbia and Montenegro and Serbia under "YU"; we keep the entities apart (SUN, YUG,
#: SCG) and let tradegap.politics join them to their successors explicitly.  "TW" is the Republic
#: of China, which held China's seat until 1971 (TWN, not CHN).
UNGA_BY_YEAR = {
    "RU": ((1991, "SUN"), (9999, "RUS")),
    "YU": ((1991, "YUG"), (2005, "SCG"), (9999, "SRB")),
}
UNGA_SPECIAL_ISO2 = {
    "TW": "TWN",
    "CS": "CSK",  # Czechoslovakia (ISO 3166-3 alpha-3), not continued as CZE
    "DD": "DDR",  # German Democratic Republic
    "YD": "YMD",  # People's Democratic Republic of Yemen (South Yemen)
}
#: Rows of the unvotes data whose country_code is empty.
UNGA_BY_NAME = {
    "Federal Republic of Germany": "DEU",  # West Germany 1973–1990: the same state as Germany
    "Yemen Arab Republic": "YAR",  # North Yemen 1947–1990, succeeded by Yemen (YEM)
    # "Zanzibar": 2 votes in 1963, before the union with Tanganyika: dropped (reported).
}


def build_unga(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pycountry

    folder = raw / "unga_votes"
    v = pd.read_csv(folder / "un_votes.csv.gz", keep_default_na=False, na_values=[])  # "NA" is Namibia
    r = pd.read_csv(folder / "un_roll_calls.csv.gz")
    issues = pd.read_csv(folder / "un_roll_call_issues.csv.gz")
    sess = r.set_index("rcid")["session"]
    v["year"] = (1945 + v["rcid"].map(sess)).astype(int)
    iso3 = []
    dropped = 0
    for code, name, year in zip(v["country_code"], v["country"], v["year"], strict=True):
        if code in UNGA_BY_YEAR:
            iso3.append(next(c for last, c in UNGA_BY_YEAR[code] if year <= last))
        elif code in UNGA_SPECIAL_ISO2:
            iso3.append(UNGA_SPECIAL_ISO2[code])
        elif code:
            c = pycountry.countries.get(alpha_2=code)
            iso3.append(c.alpha_3 if c else None)
        else:
            iso3.append(UNGA_BY_NAME.get(name))
    v["iso3"] = iso3
    miss = v["iso3"].isna()
    if miss.any():
        dropped = int(miss.sum())
        print(f"unga: dropped {dropped} votes without ISO3: {sorted(v.loc[miss, 'country'].unique())}", file=sys.stderr)
    v = v.loc[~miss]
    codes = {"yes": 1, "abstain": 2, "no": 3}
    votes = pd.DataFrame(
        {
            "rcid": v["rcid"].astype("int32").to_numpy(),
            "iso3": pd.Categorical(v["iso3"].astype(str)),
            "vote": v["vote"].map(codes).astype("int8").to_numpy(),
        }
    )
    if votes.duplicated(["rcid", "iso3"]).any():
        raise SystemExit("unga: duplicate (rcid, iso3) votes after mapping")
    iss = issues.groupby("rcid")["short_name"].agg(lambda s: ",".join(sorted(set(s))))
    rc = pd.DataFrame(
        {
            "rcid": r["rcid"].astype("int32"),
            "session": r["session"].astype("int16"),
            "year": (1945 + r["session"]).astype("int16"),  # year the session opened
            "date": pd.to_datetime(r["date"]).dt.date.astype(str),
            "importantvote": r["importantvote"].fillna(0).astype("int8"),
            "unres": r["unres"].fillna("").astype(str),
            "short": r["short"].fillna("").astype(str),
        }
    )
    rc["issues"] = rc["rcid"].map(iss).fillna("").astype(str)
    votes = votes[votes["rcid"].isin(rc["rcid"])]
    return votes.sort_values(["rcid", "iso3"]).reset_index(drop=True), rc


# --------------------------------------------------------------------------- SITC 2015


def build_sitc(raw: Path) -> pd.DataFrame:
    u = pd.read_csv(raw / "unctad_sitc_2015" / "unctad_sitc_sections_2015.csv.gz")
    mapping, unmatched = names_to_iso3(set(u["source"]) | set(u["target"]))
    if unmatched:
        print(f"sitc: names not mapped to ISO3 (rows dropped): {unmatched}", file=sys.stderr)
    keep = u["source"].isin(mapping) & u["target"].isin(mapping)
    u = u.loc[keep]
    out = pd.DataFrame(
        {
            "exporter": u["source"].map(mapping).astype(str),
            "importer": u["target"].map(mapping).astype(str),
            "year": np.int16(2015),
            "product": u["sitc"].str.extract(r"SITC(\d)", expand=False).astype(str),
            "value": u["edgewidth"].astype("float64"),
        }
    )
    out = out[out["exporter"] != out["importer"]]
    out = out.groupby(["exporter", "importer", "year", "product"], as_index=False)["value"].sum()
    out["unit"] = "USD"
    out["scale"] = "thousands"
    out["source"] = "sitc"
    out["basis"] = "reported"
    for c in ("exporter", "importer", "product", "unit", "scale", "source", "basis"):
        out[c] = pd.Categorical(out[c].astype(str))
    return out


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    raw = Path(argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    kw = {"compression": "zstd", "index": False}
    only = set(argv[2:]) if len(argv) > 2 else {"sanctions", "unga", "sitc"}
    if "sanctions" in only:
        build_sanctions(raw).to_parquet(OUT / "sanctions_cases.parquet", **kw)
    if "unga" in only:
        votes, rc = build_unga(raw)
        votes.to_parquet(OUT / "unga_votes.parquet", **kw)
        rc.to_parquet(OUT / "unga_rollcalls.parquet", **kw)
    if "sitc" in only:
        build_sitc(raw).to_parquet(OUT / "flows_sitc.parquet", **kw)
    for f in sorted(OUT.glob("*.parquet")):
        print(f"{f.name}: {f.stat().st_size / 1e6:.2f} MB", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
