"""Mirror reconciliation of reporter-based trade statistics.

IMF DOTS and UN Comtrade publish what each *reporter* declares: its exports
(FOB, valued at the exporter's border) and its imports (CIF, including cost,
insurance and freight to the importer's border).  Every bilateral flow
exporter → importer can thus be known twice: from the importer's import report
and from the exporter's export report (the "mirror").  :func:`reconcile`
keeps one value per exporter → importer → year (→ product):

1. the importer's CIF report when it exists (basis ``"importer_cif"``) —
   customs records of imports are the more reliable, being the base of
   tariff collection;
2. otherwise the exporter's FOB report (basis ``"exporter_fob"``), or, when a
   CIF/FOB factor is given, that report multiplied by the factor to put it on
   the importer's CIF basis (basis ``"exporter_fob_adj"``).  The IMF uses
   1.10 for DOTS estimates; it is off by default.

This is how flows of countries that stopped reporting (Iran to the IMF after
1999) are recovered from their partners' reports.  The function is pure: a
frame in, a frame out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tradegap.data.schema import FLOW_COLUMNS
from tradegap.errors import InputError

__all__ = ["REPORT_COLUMNS", "reconcile"]

#: Columns of the reporter-based input table (``product`` is optional).
REPORT_COLUMNS: tuple[str, ...] = ("reporter", "partner", "year", "flow", "value")

_IMPORT = {"import", "m", "imports"}
_EXPORT = {"export", "x", "exports"}


def reconcile(
    reports: pd.DataFrame,
    *,
    cif_fob: float | None = None,
    unit: str = "USD",
    scale: str = "millions",
    source: str = "dots",
) -> pd.DataFrame:
    """One value per exporter → importer → year from reporter-based reports.

    Parameters
    ----------
    reports : pandas.DataFrame, shape (n_reports, 5 or 6)
        Columns ``reporter``, ``partner`` (ISO3), ``year`` (int), ``flow``
        (``"import"``/``"M"`` = the reporter's imports from the partner, CIF;
        ``"export"``/``"X"`` = its exports to the partner, FOB), ``value``
        (≥ 0, in ``unit`` × ``scale``), optional ``product``.  Rows whose
        value is NaN are treated as not reported.
    cif_fob : float, optional
        CIF/FOB factor (≥ 1, e.g. 1.10) applied to exporter reports used as
        mirrors; ``None`` (default) keeps them unadjusted.
    unit, scale, source : str
        Written to the output's ``unit``, ``scale`` and ``source`` columns.

    Returns
    -------
    pandas.DataFrame, shape (n_flows, 9)
        :data:`tradegap.data.schema.FLOW_COLUMNS`, one row per
        exporter → importer → year (→ product), sorted; ``basis`` is
        ``"importer_cif"``, ``"exporter_fob"`` or ``"exporter_fob_adj"``.

    Raises
    ------
    InputError
        Missing columns, unknown flow labels, a negative value, a bad
        ``cif_fob``, or the same report given twice with different values.

    Examples
    --------
    >>> r = pd.DataFrame({"reporter": ["RUS", "DEU"], "partner": ["IRN", "RUS"],
    ...                   "year": [2019, 2019], "flow": ["export", "import"],
    ...                   "value": [1196.9, 30000.0]})
    >>> reconcile(r)[["exporter", "importer", "value", "basis"]]
      exporter importer    value         basis
    0      RUS      DEU  30000.0  importer_cif
    1      RUS      IRN   1196.9  exporter_fob
    """
    missing = [c for c in REPORT_COLUMNS if c not in reports.columns]
    if missing:
        raise InputError(
            f"reconcile: missing column(s) {missing}; found {list(reports.columns)}.",
            hint=f"Pass a reporter-based table with columns {list(REPORT_COLUMNS)}.",
        )
    if cif_fob is not None and (not np.isfinite(cif_fob) or cif_fob < 1.0):
        raise InputError(
            f"The 'cif_fob' parameter of reconcile must be None or a number >= 1. "
            f"Got {cif_fob!r} instead.",
            hint="Use e.g. cif_fob=1.10 (the IMF's conventional factor), or None.",
        )
    has_product = "product" in reports.columns
    cols = list(REPORT_COLUMNS) + (["product"] if has_product else [])
    df = reports[cols].copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    df = df[df["value"].notna()]
    is_imp = _import_flags(df)
    prod = df["product"].astype(str) if has_product else pd.Series("", index=df.index)
    out = pd.DataFrame(
        {
            "exporter": np.where(is_imp, df["partner"], df["reporter"]),
            "importer": np.where(is_imp, df["reporter"], df["partner"]),
            "year": df["year"].astype("int64").to_numpy(),
            "product": prod.to_numpy(),
            "value": df["value"].to_numpy(),
            "_imp": is_imp.to_numpy(),
        }
    )
    out = _drop_repeated_reports(out)
    # importer reports first, so they win the de-duplication on the flow key
    out = out.sort_values("_imp", ascending=False, kind="stable")
    out = out.drop_duplicates(["exporter", "importer", "year", "product"], keep="first")
    mirror = ~out["_imp"].to_numpy()
    if cif_fob is not None:
        out.loc[mirror, "value"] = out.loc[mirror, "value"] * float(cif_fob)
        mirror_basis = "exporter_fob_adj"
    else:
        mirror_basis = "exporter_fob"
    out["basis"] = np.where(mirror, mirror_basis, "importer_cif")
    out["unit"] = unit
    out["scale"] = scale
    out["source"] = source
    out = out.drop(columns="_imp")
    out = out.sort_values(["exporter", "importer", "year", "product"], kind="stable")
    return out.loc[:, list(FLOW_COLUMNS)].reset_index(drop=True)


def _import_flags(df: pd.DataFrame) -> pd.Series:
    """True for import reports, False for export reports; unknown labels and negative values raise."""
    flow = df["flow"].astype(str).str.strip().str.lower()
    is_imp = flow.isin(_IMPORT)
    is_exp = flow.isin(_EXPORT)
    bad = ~(is_imp | is_exp)
    if bad.any():
        raise InputError(
            f"reconcile: unknown flow label(s) {sorted(flow[bad].unique().tolist())[:10]}.",
            hint="Use 'import'/'M' for the reporter's imports and 'export'/'X' for its exports.",
        )
    neg = df["value"] < 0
    if neg.any():
        row = df[neg].iloc[0]
        raise InputError(
            f"reconcile: negative value {row['value']} for reporter {row['reporter']}, "
            f"partner {row['partner']}, year {row['year']}.",
            hint="Trade values must be >= 0; fix or drop the row before reconciling.",
        )
    return is_imp


def _drop_repeated_reports(out: pd.DataFrame) -> pd.DataFrame:
    """Drop reports given twice with the same value; raise on the same report with different values."""
    key = ["exporter", "importer", "year", "product", "_imp"]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        d = out[dup]
        conflicting = d.groupby(key, sort=False)["value"].nunique() > 1
        if conflicting.any():
            k = conflicting[conflicting].index[0]
            raise InputError(
                f"reconcile: the same report appears twice with different values: "
                f"exporter {k[0]}, importer {k[1]}, year {k[2]}, "
                f"{'import' if k[4] else 'export'} report.",
                hint="Remove duplicate reports (keep one value per reporter, partner, year, flow).",
            )
        out = out.drop_duplicates(key)
    return out
