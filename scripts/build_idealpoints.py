"""Build ``unga_idealpoints.parquet``: UNGA ideal points and agreement shares, sessions 1–78 (1946–2023).

Run once from the repository root, pointing at the folder of raw public data::

    .venv/bin/python scripts/build_idealpoints.py /path/to/shared/data

Reads ``unga_idealpoints_2024/IdealpointestimatesAll_Jun2024.csv.gz`` (Bailey, Strezhnev & Voeten 2017
ideal points, June 2024 release of Voeten's "United Nations General Assembly Voting Data", Harvard
Dataverse hdl:1902.1/12379) and writes ``src/tradegap/data/embedded/unga_idealpoints.parquet``:

* ``ccode`` (COW code, int16), ``iso3`` (dictionary), ``session`` (int8), ``year`` (int16, the year the
  session opened, 1945 + session, as for the roll-call votes), ``n_votes`` (int16);
* ``ideal``, ``ideal_q05``, ``ideal_q95`` (float32: posterior median-like point estimate
  ``IdealPointAll`` and its 5 % / 95 % posterior quantiles);
* ``agree_usa``, ``agree_rus``, ``agree_bra``, ``agree_chn``, ``agree_ind``, ``agree_isr`` (float32, 0–1:
  share of roll calls on which the state voted like the US / Russia / …, abstention = half agreement;
  missing where the file has NA).

Seats are coded by entity, as in ``unga_votes.parquet`` (``scripts/build_policy_data.py``): COW 365 is
SUN to 1991 and RUS from 1992; 345 is YUG to 1991, SCG 1992–2005 and SRB from 2006; 680 (the file
labels it "YAR") is YMD, South Yemen; 678 YAR; 713 TWN (the Republic of China's seat to 1971);
315 CSK; 265 DDR; 260 (German Federal Republic) DEU.  ``tradegap.politics`` files predecessors under
their successors only with ``continuity="successor"``.  The script checks the file's sha256 against
the one in its SOURCE.md and refuses a different file.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "tradegap" / "data" / "embedded" / "unga_idealpoints.parquet"
RAW = Path("unga_idealpoints_2024") / "IdealpointestimatesAll_Jun2024.csv.gz"
#: sha256 of the uncompressed CSV (from the raw folder's SOURCE.md).
SHA256 = "adaeca9a9d617afaf463f892a868fbfe17b33bbd6bdb613688d67f1b8dd6887d"

AGREE = {"USAgree": "agree_usa", "RUSSAgree": "agree_rus", "BrazilAgree": "agree_bra", "ChinaAgree": "agree_chn",
         "IndiaAgree": "agree_ind", "IsraelAgree": "agree_isr"}


def entity(ccode: int, year: int, iso3c: str) -> str:
    """The seat's entity code in a year (see the module docstring)."""
    if ccode == 365:
        return "SUN" if year <= 1991 else "RUS"
    if ccode == 345:
        return "YUG" if year <= 1991 else ("SCG" if year <= 2005 else "SRB")
    return {680: "YMD", 678: "YAR", 713: "TWN", 315: "CSK", 265: "DDR", 260: "DEU"}.get(ccode, iso3c)


def build(raw_dir: Path) -> pd.DataFrame:
    path = raw_dir / RAW
    data = gzip.decompress(path.read_bytes())
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest} is not the documented {SHA256}; refusing to build.")
    d = pd.read_csv(path, keep_default_na=False, na_values=["NA", ""])
    d["year"] = 1945 + d["session"].astype(int)
    d["iso3"] = [entity(int(c), int(y), str(i)) for c, y, i in zip(d["ccode"], d["year"], d["iso3c"], strict=True)]
    out = pd.DataFrame({
        "ccode": d["ccode"].astype("int16"),
        "iso3": pd.Categorical(d["iso3"]),
        "session": d["session"].astype("int8"),
        "year": d["year"].astype("int16"),
        "n_votes": d["NVotesAll"].astype("int16"),
        "ideal": d["IdealPointAll"].astype("float32"),
        "ideal_q05": d["Q5%All"].astype("float32"),
        "ideal_q95": d["Q95%All"].astype("float32"),
        **{new: d[old].astype("float32") for old, new in AGREE.items()},
    })
    dup = out.duplicated(["iso3", "year"])
    if dup.any():
        raise SystemExit(f"duplicate entity-years: {out.loc[dup, ['iso3', 'year']].head().to_dict('records')}")
    return out.sort_values(["iso3", "year"], kind="stable").reset_index(drop=True)


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    out = build(Path(argv[1]))
    out.to_parquet(OUT, index=False, compression="zstd")
    print(f"{OUT.name}: {len(out):,} rows, {out['iso3'].nunique()} entities, years "
          f"{int(out['year'].min())}–{int(out['year'].max())}, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv)
