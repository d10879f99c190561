"""Data commands: ``ingest``, ``datasets``, ``trade`` and ``peers``.

Each command parses its options, calls :mod:`tradegap.store` / :mod:`tradegap.measure`
and renders the result; a :class:`~tradegap.errors.TradegapError` becomes a message
and hint on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tradegap.cli.app import DB_OPTION, FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import console, err_console, render, user_errors
from tradegap.coverage import DATASETS
from tradegap.errors import InputError

__all__ = ["datasets_cmd", "ingest_cmd", "peers_cmd", "trade_cmd"]


def _store(db: Optional[Path], *, write: bool = False):
    from tradegap.store import Store

    return Store(db, read_only=False) if write else Store(db)


def _parse_mapping(items: list[str] | None) -> dict[str, str] | None:
    """``["exporter=orig,importer=dest", "value=v"]`` → ``{"exporter": "orig", ...}``."""
    if not items:
        return None
    out: dict[str, str] = {}
    for item in items:
        for part in filter(None, (p.strip() for p in item.split(","))):
            key, sep, col = part.partition("=")
            if not sep or not key.strip() or not col.strip():
                raise InputError(
                    f"Could not read the column mapping {part!r}.",
                    hint="Write --map CANONICAL=COLUMN pairs, e.g. --map exporter=origin,importer=dest,value=trade_usd.",
                )
            out[key.strip()] = col.strip()
    return out


INGEST_HELP = """Load trade or covariate files into the local store (validated, atomic, idempotent).

SOURCE names the file layout: baci (CEPII BACI t,i,j,k,v,q with its
country_codes_V*.csv beside it, or the BACI totals file), dots (IMF DOTS long
file), imf (IMF DOTS bulk CSV), comtrade (UN Comtrade bulk CSV), gravity (CEPII
Gravity), unctad (UNCTADstat SITC matrix), wdi (GDP and population), geodist
(CEPII distances), or csv / parquet / stata for any other file, with --map.

All files are loaded in one transaction: if any row is bad, nothing is loaded and
the error names the file, row and column. The same file ingested twice is stored
once. Rows that would replace stored ones (same source, exporter, importer, year,
product) are refused unless you pass --replace.

\b
Examples:
  tradegap ingest baci BACI_HS17_Y2019_V202401.csv
  tradegap ingest dots dots_long.csv.gz --db ./mytrade.duckdb
  tradegap ingest csv flows.csv --scale units \\
      --map exporter=origin,importer=dest,year=yr,value=usd
  tradegap ingest csv eu.csv --sep ';' --scale thousands --unit EUR \\
      --dataset eurostat --map exporter=rep,importer=par,year=y,value=v

Generic files (csv, parquet, stata) need --scale: the values' unit is never guessed.
Self-flows (exporter = importer) are dropped and historical entities after their end
(e.g. the USSR after 1991) are flagged; both are noted in the report.
"""


@app.command("ingest", help=INGEST_HELP)
def ingest_cmd(
    source: str = typer.Argument(
        ..., help="File layout: baci, dots, imf, comtrade, gravity, unctad, wdi, geodist, csv, parquet, stata."
    ),
    files: list[Path] = typer.Argument(..., help="One or more files to load (CSV, CSV.gz, Parquet, Stata .dta)."),
    db: Optional[Path] = DB_OPTION,
    replace: bool = typer.Option(
        False, "--replace", help="Replace stored rows that have the same keys (otherwise a conflict is an error)."
    ),
    mapping: Optional[list[str]] = typer.Option(
        None,
        "--map",
        help="Column mapping for generic files: CANONICAL=COLUMN, comma-separated or repeated "
        "(canonical names: exporter, importer, year, value, product).",
    ),
    scale: Optional[str] = typer.Option(
        None, "--scale", help="Generic files: scale of the value column: units, thousands or millions (required)."
    ),
    unit: Optional[str] = typer.Option(None, "--unit", help="Generic files: currency of the values (default USD)."),
    sep: Optional[str] = typer.Option(
        None, "--sep", help="Field delimiter, if not the layout's: ',', ';', '|' or tab."
    ),
    dataset: Optional[str] = typer.Option(
        None, "--dataset", help="Generic files: the source name to store the rows under (default: csv, parquet or stata)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    with user_errors():
        cmap = _parse_mapping(mapping)
        delim = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(sep or "", sep)
        if delim is not None and len(delim) != 1:
            raise InputError(f"Invalid value {sep!r} for option --sep: a delimiter is one character.",
                             hint="Use --sep ';', --sep '|' or --sep tab.")
        with _store(db, write=True) as store:
            with Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[rows]:>12,} rows"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
                disable=fmt is not OutputFormat.table,
            ) as bar:
                task = bar.add_task("reading", total=max(1, sum(f.stat().st_size for f in files if f.is_file())), rows=0)

                def tick(ev) -> None:  # noqa: ANN001 - IngestProgress
                    label = {"read": f"reading {ev.file}", "validate": "validating", "commit": "writing",
                             "skip": f"skipping {ev.file}"}.get(ev.stage, ev.stage)
                    bar.update(task, completed=ev.bytes_done, description=label, rows=ev.rows)

                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    report = store.ingest(source, files, mapping=cmap, replace=replace, progress=tick,
                                          sep=delim, unit=unit, scale=scale, dataset=dataset)
    for w in dict.fromkeys(str(w.message) for w in caught):
        err_console.print(f"[yellow]Warning:[/] {w}", highlight=False, soft_wrap=True)
    units = sorted({f.values_in for f in report.files if f.values_in})
    caption = (
        f"{report.rows_added:,} rows added"
        + (f", {report.rows_replaced:,} replaced" if report.rows_replaced else "")
        + f" to {report.path} in {report.seconds:.1f} s"
        + (f"; values stored in {' and '.join(units)}" if units else "")
    )
    if units and fmt is OutputFormat.table:
        err_console.print(f"Values read as {' and '.join(units)}"
                          + (" (the layout's published unit)." if cmap is None else " (--unit/--scale)."),
                          highlight=False, soft_wrap=True)
    render(report, fmt, title=f"Ingested {source}", caption=caption)


DATASETS_HELP = """List the data available: what you ingested into the store and what ships with tradegap.

Shows each dataset's coverage (years, countries, rows) and its unit and scale.
Stored flows of a source take precedence over the embedded ones ("used" column).

\b
Examples:
  tradegap datasets
  tradegap datasets --format json
"""


@app.command("datasets", help=DATASETS_HELP)
def datasets_cmd(db: Optional[Path] = DB_OPTION, fmt: OutputFormat = FORMAT_OPTION) -> None:
    with user_errors(), _store(db) as store:
        frame = store.datasets()
    if fmt is OutputFormat.table:  # presentation only: hide columns with nothing in them
        frame = frame.loc[:, [c for c in frame.columns if frame[c].astype("string").fillna("").ne("").any()]]
    render(frame, fmt, title="Datasets", caption=f"store: {store.path}")


TRADE_HELP = """How much two countries trade: yearly flows both ways and the total, in million USD.

Each value says whose report it is: with IMF DOTS the importer's report (CIF) is
preferred and the exporter's (FOB) is used when the importer did not report — Iran
has not reported to the IMF since 1999; CEPII BACI values are reconciled (FOB).
BACI's thousands are converted to millions.

\b
Examples:
  tradegap trade IRN RUS
  tradegap trade Iran Russia --years 2000-2020
  tradegap trade RUS IRN --source baci --years 2019 --format json
"""

SOURCE_OPTION = typer.Option(
    "dots", "--source", "-s", help=f"Flow data: dots (IMF DOTS, {DATASETS['dots'].span}), baci (CEPII BACI, {DATASETS['baci'].span}), or an ingested source."
)


@app.command("trade", help=TRADE_HELP)
def trade_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran, IR)."),
    b: str = typer.Argument(..., help="Second country: name or code (RUS, Russia, RU)."),
    source: str = SOURCE_OPTION,
    years: Optional[str] = typer.Option(
        None, "--years", "-y", help="One year (2019), a range (2000-2020) or a list (2000,2010). Default: all."
    ),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap.measure import trade

    with user_errors(), _store(db) as store:
        result = trade(a, b, source=source, years=years, store=store)
    render(
        result,
        fmt,
        title=f"Trade between {result.a} and {result.b} ({source}), million USD",
        caption="basis: importer_cif = importer's report (CIF); exporter_fob = exporter's report (FOB), "
        "importer did not report; reconciled = source's reconciled value (FOB)",
    )


PEERS_HELP = """Where a partner ranks among a country's partners, and who else trades as much with it.

For COUNTRY's trade (exports + imports) with each partner in one year: the rank and
share of PARTNER, the reverse rank, and the partners whose trade with COUNTRY is
closest in value, with their GDP (current USD billions) and population (millions) —
to check claims like "Iran–Russia trade is no bigger than Russia's trade with small
countries".

\b
Examples:
  tradegap peers RUS IRN
  tradegap peers Russia Iran --year 2015 --source baci -n 15
"""


@app.command("peers", help=PEERS_HELP)
def peers_cmd(
    country: str = typer.Argument(..., help="The country whose partners are ranked (e.g. RUS)."),
    partner: str = typer.Argument(..., help="The partner to place among them (e.g. IRN)."),
    year: int = typer.Option(2019, "--year", help="Year compared."),
    source: str = SOURCE_OPTION,
    n: int = typer.Option(10, "-n", "--n", help="How many partners closest in value to list."),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap.measure import peers

    with user_errors(), _store(db) as store:
        result = peers(country, partner, year=year, source=source, store=store, n=n)
    shown = result
    if fmt is OutputFormat.table:
        console.print(escape(result.headline), highlight=False)
        # presentation only: mark the partner's row and keep the table narrow
        frame = result.to_frame()
        frame["name"] = [f"▶ {n}" if p else n for n, p in zip(frame["name"], frame["is_partner"], strict=True)]
        shown = frame.drop(columns=["is_partner"]).rename(
            columns={"gdp_busd": "GDP $bn", "population_m": "pop. m"}
        )
    render(
        shown,
        fmt,
        title=f"{result.country}'s partners closest to {result.partner} in {year} ({source}), million USD",
        caption="total = exports + imports; ratio = total / the pair's total; GDP current USD bn; population m",
    )
