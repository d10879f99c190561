"""``tradegap estimate FILE --formula ...``: PPML with high-dimensional fixed effects on a file.

The command reads a CSV (optionally gzipped), Parquet or Stata file, calls
:func:`tradegap.estimate.fepois` and renders the coefficient table (or, with
``--format json``, coefficients, standard errors, N and dropped counts).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from tradegap.cli.app import FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import err_console, render, user_errors
from tradegap.errors import TradegapWarning

__all__ = ["estimate_cmd", "read_table"]


if TYPE_CHECKING:
    import pandas as pd


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV/TSV (optionally ``.gz``), Parquet or Stata file (see :func:`tradegap.data.tables.read_frame`)."""
    from tradegap.data.tables import read_frame

    return read_frame(path)


@app.command("estimate")
def estimate_cmd(
    file: Path = typer.Argument(..., help="CSV (.csv/.csv.gz/.tsv), Parquet or Stata (.dta) file."),
    formula: str = typer.Option(
        ...,
        "--formula",
        "-F",
        help="fixest-style formula, e.g. 'trade ~ ln_dist + cntg | exporter^year + importer^year'.",
    ),
    vcov: str = typer.Option(
        "hc1", "--vcov", help="hc1 | iid | cluster:COL | cluster:COL1,COL2 ('cluster:pair' = pair_id or exporter^importer)."
    ),
    weights: str = typer.Option(None, "--weights", help="Column of observation weights."),
    offset: str = typer.Option(None, "--offset", help="Column added to the linear predictor (log scale)."),
    drop_missing: bool = typer.Option(
        False, "--drop-missing", help="Drop rows with missing values in the columns used (counted)."
    ),
    threads: Optional[int] = typer.Option(
        None, "--threads", help="Threads for the fit (default: NUMBA_NUM_THREADS, i.e. all cores; 1 below 100k rows)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Poisson PML with high-dimensional fixed effects (gravity models) on a data file.

    Prints the coefficients and standard errors; --format json adds N, the
    dropped-observation counts and the IRLS diagnostics. CSV files may be
    comma-, semicolon- or tab-separated, UTF-8 (with or without BOM), UTF-16 or
    Windows-1252.

    \b
    Examples:
      tradegap estimate panel.parquet -F 'trade ~ ln_dist + cntg | exp^year + imp^year'
      tradegap estimate panel.csv -F 'trade ~ rta | pair + exp^year' --vcov cluster:pair
    """
    from tradegap.estimate import fepois

    with user_errors():
        data = read_table(file)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TradegapWarning)
            res = fepois(
                formula,
                data,
                vcov=vcov,
                weights=weights,
                offset=offset,
                missing="drop" if drop_missing else "raise",
                threads=threads,
            )
    for w in caught:
        if issubclass(w.category, TradegapWarning):
            err_console.print(f"[yellow]Warning:[/] {w.message}", highlight=False, soft_wrap=True)
    dropped = ", ".join(f"{k} {v:,}" for k, v in res.dropped.items() if v) or "none"
    render(
        res,
        fmt,
        title=f"PPML: {res.formula}",
        caption=f"N = {res.nobs:,}; dropped: {dropped}; s.e.: {res.vcov_type}; pseudo R2 {res.pseudo_r2:.4f}",
    )
