"""The datasets shipped with tradegap (``src/tradegap/data/embedded/*.parquet``).

With no store and no ingest, every command works on these.  Each file's
source, licence, units and build command are in ``embedded/PROVENANCE.md``;
``scripts/build_embedded.py`` rebuilds them from the raw public files.

Datasets (:func:`names`)
------------------------
``flows_dots``  IMF DOTS 1990–2020, mirror-reconciled, USD millions,
                :data:`~tradegap.data.schema.FLOW_COLUMNS`.
``flows_baci``  CEPII BACI total goods trade 2000–2020, USD thousands, basis
                ``"reconciled"``.  2020 is incomplete: flows absent or zero in
                2020 (e.g. IRN–RUS both ways) are missing, not zero.
``wdi``         World Bank WDI: iso3, year, gdp (current USD), gdp_const,
                gdp_ppp, gdp_ppp_const, gdppc*, population (persons),
                exports_goods_bop, imports_goods_bop, current_account (USD).
``pairs``       :data:`~tradegap.data.schema.PAIR_COLUMNS` for all CEPII
                GeoDist pairs, with tradegap's ``shared_sea`` (see
                :data:`SHARED_SEAS`).
``countries``   iso3, name, landlocked, lat, lon, capital, continent.

Other modules ship their own files in the same folder; :func:`load` reads
any ``<name>.parquet`` there.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations
from pathlib import Path
from typing import Any, Final

import pandas as pd

from tradegap.validation import check_option

__all__ = ["DIR", "SHARED_SEAS", "load", "names", "shared_sea_pairs"]

DIR: Final[Path] = Path(__file__).resolve().parent / "embedded"

#: Littoral states of enclosed and semi-enclosed seas, tradegap's ``shared_sea`` flag.
#:
#: Definition.  ``shared_sea = 1`` for two different countries that both have a coast
#: on the same sea of this table; 0 otherwise (including a country with itself).  The
#: seas are the "enclosed or semi-enclosed seas" in the sense of UNCLOS Article 122 —
#: a sea surrounded by two or more States and connected to the ocean by a narrow
#: outlet, or lying mostly within their EEZs — that host regular short-sea shipping
#: between their coastal states: such a sea makes its riparians maritime neighbours
#: even without a land border (Iran and Russia across the Caspian: CEPII ``contig`` =
#: 0, ``shared_sea`` = 1).  Open-ocean coasts (Atlantic, Indian Ocean, Pacific) and
#: wide-mouthed seas (North Sea, Arabian Sea, East China Sea, Bay of Bengal) do not
#: count.  Seas included, with the arms counted as part of them:
#:
#: * Caspian Sea (a lake with no outlet, navigable via the Volga–Don canal);
#: * Black Sea, with the Sea of Azov;
#: * Baltic Sea, with the Gulfs of Bothnia, Finland and Riga, and Denmark's straits;
#: * Mediterranean Sea, with the Adriatic, Aegean, Ionian and Tyrrhenian seas and
#:   the Sea of Marmara (a large sea; Spain–Lebanon counts, like the UNEP
#:   Mediterranean Action Plan's membership);
#: * Red Sea, with the Gulfs of Suez and Aqaba, and Djibouti on Bab-el-Mandeb;
#: * Persian Gulf, with Oman through its Musandam coast on the Strait of Hormuz;
#: * Sea of Japan (East Sea) and Sea of Okhotsk;
#: * Yellow Sea with the Bohai;
#: * South China Sea with the Gulf of Thailand;
#: * Caribbean Sea and Gulf of Mexico (dependencies with ISO3 codes included).
#:
#: Historical or CEPII-specific entities with the coast (SCG for Serbia and
#: Montenegro, ANT for the Netherlands Antilles) are listed too.  Never a replacement
#: for CEPII's ``contig`` (land border), which is kept as published.
SHARED_SEAS: Final[dict[str, tuple[str, ...]]] = {
    "Caspian Sea": ("AZE", "IRN", "KAZ", "RUS", "TKM"),
    "Black Sea": ("BGR", "GEO", "ROU", "RUS", "TUR", "UKR"),
    "Baltic Sea": ("DEU", "DNK", "EST", "FIN", "LTU", "LVA", "POL", "RUS", "SWE"),
    "Mediterranean Sea": (
        "ALB", "BIH", "CYP", "DZA", "EGY", "ESP", "FRA", "GIB", "GRC", "HRV", "ISR", "ITA",
        "LBN", "LBY", "MAR", "MCO", "MLT", "MNE", "PSE", "SCG", "SVN", "SYR", "TUN", "TUR",
    ),
    "Red Sea": ("DJI", "EGY", "ERI", "ISR", "JOR", "SAU", "SDN", "YEM"),
    "Persian Gulf": ("ARE", "BHR", "IRN", "IRQ", "KWT", "OMN", "QAT", "SAU"),
    "Sea of Japan": ("JPN", "KOR", "PRK", "RUS"),
    "Sea of Okhotsk": ("JPN", "RUS"),
    "Yellow Sea": ("CHN", "KOR", "PRK"),
    "South China Sea": (
        "BRN", "CHN", "HKG", "IDN", "KHM", "MAC", "MYS", "PHL", "SGP", "THA", "TWN", "VNM",
    ),
    "Caribbean Sea and Gulf of Mexico": (
        "ABW", "AIA", "ANT", "ATG", "BES", "BLZ", "COL", "CRI", "CUB", "CUW", "CYM", "DMA",
        "DOM", "GLP", "GRD", "GTM", "HND", "HTI", "JAM", "KNA", "LCA", "MEX", "MSR", "MTQ",
        "NIC", "PAN", "PRI", "SXM", "TTO", "USA", "VCT", "VEN", "VGB", "VIR",
    ),
}


def shared_sea_pairs() -> frozenset[tuple[str, str]]:
    """All ordered pairs ``(a, b)``, ``a != b``, littoral to a common sea of :data:`SHARED_SEAS`."""
    out: set[tuple[str, str]] = set()
    for members in SHARED_SEAS.values():
        out.update(permutations(members, 2))
    return frozenset(out)


def names() -> list[str]:
    """Names of the embedded datasets (``*.parquet`` files in :data:`DIR`), sorted."""
    return sorted(p.stem for p in DIR.glob("*.parquet"))


@lru_cache(maxsize=32)
def _read(name: str) -> pd.DataFrame:
    return _frame(name, None)


def _frame(name: str, filters: list[tuple[str, str, Any]] | None) -> pd.DataFrame:
    """Rows of ``<name>.parquet`` matching ``filters`` (pyarrow's ``[(column, op, value)]``, None: all)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(DIR / f"{name}.parquet", filters=filters or None)
    columns = {}
    for col in table.column_names:
        arr = table.column(col)
        if pa.types.is_dictionary(arr.type):  # codes are stored dictionary-encoded
            arr = arr.cast(arr.type.value_type)
        columns[col] = arr
    meta = table.schema.pandas_metadata or {}
    frame = pa.table(columns).to_pandas(ignore_metadata=True)
    # restore nullable integer columns (e.g. landlocked_o) that pandas wrote as such
    for field in meta.get("columns", []):
        name_, dtype = field.get("name"), field.get("numpy_type")
        if name_ in frame.columns and dtype in ("Int8", "Int16", "Int32", "Int64"):
            frame[name_] = frame[name_].astype(dtype)
    return frame


def select(name: str, **values: list[Any]) -> pd.DataFrame:
    """The rows of one embedded dataset whose columns take the given values, read from the file
    without loading the rest (``select("flows_dots", exporter=["IRN", "RUS"])``).

    Same columns and types as :func:`load`; rows in file order.
    """
    check_option("name", name, names(), "embedded.select",
                 hint="List the shipped datasets with tradegap.data.embedded.names().")
    return _frame(name, [(col, "in", list(v)) for col, v in values.items()])


def load(name: str) -> pd.DataFrame:
    """One embedded dataset as a DataFrame (read once, then served from a cache).

    Parameters
    ----------
    name : str
        One of :func:`names`, e.g. ``"flows_dots"``, ``"flows_baci"``, ``"wdi"``,
        ``"pairs"``, ``"countries"``.

    Returns
    -------
    pandas.DataFrame
        A copy: changing it does not change what the next call returns.  Code
        columns are plain strings; values float64; years int64.

    Raises
    ------
    InputError
        If ``name`` is not an embedded dataset.
    """
    check_option("name", name, names(), "embedded.load",
                 hint="List the shipped datasets with tradegap.data.embedded.names().")
    return _read(name).copy()
