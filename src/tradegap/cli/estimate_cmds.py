"""``tradegap estimate FILE --formula ...``: PPML with high-dimensional fixed effects on a file.

The command reads a CSV (optionally gzipped), Parquet or Stata file, calls
:func:`tradegap.estimate.fepois` and renders the coefficient table (or, with
``--format json``, coefficients, standard errors, N and dropped counts).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradegap.cli.app import FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import err_console, render, user_errors
from tradegap.errors import DataFormatError, TradegapWarning

__all__ = ["estimate_cmd", "read_table"]


if TYPE_CHECKING:
    import pandas as pd

_READERS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".dta": "stata",
}


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV/TSV (optionally ``.gz``), Parquet or Stata file into a frame.

    Raises
    ------
    DataFormatError
        If the file is missing, of an unknown type, or does not parse.
    """
    import pandas as pd
    if not path.exists():
        raise DataFormatError(f"The file {str(path)!r} does not exist.", hint="Check the path.")
    suffixes = [s.lower() for s in path.suffixes]
    comp = suffixes[-1] if suffixes and suffixes[-1] in (".gz", ".bz2", ".zip", ".xz", ".zst") else None
    ext = suffixes[-2] if comp and len(suffixes) >= 2 else (suffixes[-1] if suffixes else "")
    kind = _READERS.get(ext)
    if kind is None:
        raise DataFormatError(
            f"Cannot tell the format of {str(path)!r} from its extension {ext or '(none)'!r}.",
            hint="Use a .csv, .csv.gz, .tsv, .parquet or .dta file.",
        )
    try:
        if kind == "csv":
            df = pd.read_csv(path, sep=None, engine="python") if comp is None else pd.read_csv(path)
        elif kind == "tsv":
            df = pd.read_csv(path, sep="\t")
        elif kind == "parquet":
            df = pd.read_parquet(path)
        else:
            df = pd.read_stata(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one clear error
        raise DataFormatError(
            f"Could not read {str(path)!r} as {kind}: {type(exc).__name__}: {exc}",
            hint=f"Check that the file is a valid {kind} file (and not truncated or mislabelled).",
        ) from None
    if df.shape[1] < 2 or len(df) == 0:
        raise DataFormatError(
            f"{str(path)!r} parsed as {kind} but has {len(df)} rows and {df.shape[1]} column(s).",
            hint="The file needs a header row and at least an outcome and a regressor or fixed-effect column.",
        )
    return df


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
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Poisson PML with high-dimensional fixed effects (gravity models) on a data file.

    Prints the coefficients and standard errors; --format json adds N, the
    dropped-observation counts and the IRLS diagnostics.
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
