"""``tradegap scenario``: general-equilibrium scenarios (FTA, sanctions lifted, cost cuts, files).

Commands only parse, call :mod:`tradegap.ge` and render.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.markup import escape

from tradegap.cli.app import DB_OPTION, FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import console, err_console, opened_store, render, user_errors
from tradegap.coverage import DATASETS
from tradegap.defaults import SIGMA, SIGMA_RANGE
from tradegap.errors import InputError

scenario_app = typer.Typer(
    name="scenario",
    help="General-equilibrium scenarios (structural gravity, endowment economies): FTA, sanctions lifted, "
    "trade-cost changes, or any TOML scenario file.\n\n\b\nExamples:\n  tradegap scenario fta Iran Russia\n"
    "  tradegap scenario run examples/nafta_removal.toml --format json",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")


if TYPE_CHECKING:
    import pandas as pd

YEAR_OPTION = typer.Option(
    DATASETS["baci"].usable_last, "--year", "-y",
    help=f"Baseline year (shipped BACI totals: {DATASETS['baci'].usable_span}).",
)
SIGMA_OPTION = typer.Option(
    SIGMA, "--sigma", help=f"Elasticity of substitution, {SIGMA_RANGE[0]:g}–{SIGMA_RANGE[1]:g} (the literature's band); "
    f"the Advanced Guide uses {SIGMA:g}."
)
KEY_COLUMNS = ["country", "exports_change_pct", "imports_change_pct", "real_gdp_change_pct", "imr_change_pct",
               "omr_change_pct", "factory_price_change_pct"]


class _CountryView:
    """Render adapter: the table shows the key columns of the countries most affected."""

    def __init__(self, result, top: int | None, caption: str | None = None):
        self.result = result
        self.top = top

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd
        f = self.result.to_frame()
        cols = [c for c in KEY_COLUMNS if c in f.columns] + [c for c in f.columns if c.endswith(("_lo", "_hi"))]
        f = f[cols]
        if self.top:
            first = []
            pair = getattr(self.result, "pair", None) or getattr(getattr(self.result, "result", None), "pair", None)
            if pair is not None:
                first = [pair.a, pair.b]
            rest = f.loc[~f["country"].isin(first)].reindex(
                f.loc[~f["country"].isin(first), "real_gdp_change_pct"].abs().sort_values(ascending=False).index
            )
            f = pd.concat([f.loc[f["country"].isin(first)], rest.head(self.top)])
        return f.reset_index(drop=True)

    def to_dict(self):
        return self.result.to_dict()


def _show(result, fmt: OutputFormat, top: int | None) -> None:
    from tradegap.ge.results import PairOutcome
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.table:
        r = getattr(result, "result", result)
        caption = "% changes, full endowment GE (exports/imports: international)."
        if r.pair is not None and r.pair.trade_change_pct is not None:
            p = r.pair
            caption += f" {p.a}-{p.b} trade {p.trade_change_pct:+.1f}%"
            # Against the calibrated model baseline the ratio is 1 by construction: show it only
            # when the outcome was measured against an estimated potential (tradegap.potential).
            if p.ratio_after is not None and p.potential_source != PairOutcome.potential_source:
                caption += (
                    f"; actual / {p.potential_source} {p.ratio_before:.2f} → {p.ratio_after:.2f}"
                )
            caption += "."
        render(_CountryView(result, top), fmt, title=r.name, caption=caption)
        for note in r.assumptions:
            console.print(f"[dim]• {escape(note)}[/]", highlight=False)
    else:
        render(_CountryView(result, None), fmt)


def _parse_percent(text: str) -> float:
    t = text.strip().rstrip("%").strip()
    try:
        return float(t)
    except ValueError:
        raise InputError(f"Could not read the change {text!r} as a percentage.", hint="Write e.g. --change -20%.") from None


TOP_OPTION = typer.Option(15, "--top", help="Table only: show the pair plus this many most-affected countries.")


@scenario_app.command("fta")
def fta_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran)."),
    b: str = typer.Argument(..., help="Second country: name or code (RUS, Russia)."),
    members: Optional[str] = typer.Option(None, "--members", help="Partners joining B, e.g. EAEU or ARM,BLR."),
    deepen: bool = typer.Option(False, "--deepen", help="The pair is already in an FTA: model its deepening to a "
                                "customs union (the estimated customs-union premium) instead of refusing."),
    fta: str = typer.Option("estimated", "--fta", help="FTA coefficient: 'estimated' on the shipped data "
                            "(default) or 'guide' (the Advanced Guide's 0.557)."),
    year: int = YEAR_OPTION,
    sigma: float = SIGMA_OPTION,
    top: int = TOP_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: Optional[Path] = DB_OPTION,
) -> None:
    """A free-trade agreement between A and B.

    Agreements in force (WTO RTA-IS) are in the baseline: a pair already in an FTA or customs union for
    the whole year is refused (never counted twice) unless --deepen. The FTA effect is estimated on the
    shipped data (PPML, pair fixed effects; its s.e. and sample are printed); --fta guide uses 0.557.

    \b
    Examples:
      tradegap scenario fta Iran Russia
      tradegap scenario fta IRN RUS --members EAEU --sigma 5 --top 10
    """
    from tradegap.cli.world_cmds import prepare_world
    from tradegap.views.scenarios import run_fta

    with user_errors(), opened_store(db) as store:
        prepare_world(store, None)  # the stored FTA and sanction effects (fitted once)
        res = run_fta(a, b, year=year, members=members, store=store, sigma=sigma, deepen=deepen,
                      fta=fta)  # type: ignore[arg-type]
        _show(res, fmt, top)


@scenario_app.command("sanctions-lifted")
def sanctions_cmd(
    country: str = typer.Argument(..., help="The sanctioned country: name or code (IRN, Iran)."),
    by: Optional[str] = typer.Option(None, "--by", help="Only sanctions by these senders, e.g. USA,EU."),
    year: int = YEAR_OPTION,
    sigma: float = SIGMA_OPTION,
    top: int = TOP_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: Optional[Path] = DB_OPTION,
) -> None:
    """Lift the GSDB trade sanctions in force on COUNTRY, two ways.

    'normal cost': each sanctioned flow's trade cost returns to its normal (stage-2 structural) level
    without the sanction, so a flow held near zero can recover. 'coefficient': the sanction term is
    switched off at its coefficient estimated on IMF DOTS 1960-2020 (every flow rises by the same %).

    \b
    Examples:
      tradegap scenario sanctions-lifted Iran
      tradegap scenario sanctions-lifted IRN --by USA,EU --format json
    """
    from tradegap.cli.world_cmds import prepare_world
    from tradegap.views.scenarios import run_sanctions_lifted

    with user_errors(), opened_store(db) as store:
        prepare_world(store, None)  # the stored FTA and sanction effects (fitted once)
        stored: dict[str, object] = {}
        lo, hi = DATASETS["baci"].usable
        if lo <= year <= hi:  # the world model's baseline and normal flows of the year: nothing refitted
            from tradegap import world

            stored = {"baseline": world.scenario_baseline(year, store=store, sigma=sigma),
                      "normal": world.normal_flows(year, store=store)}
        res = run_sanctions_lifted(country, year=year, by=by, store=store, sigma=sigma, **stored)
        fmt = OutputFormat(fmt)
        if fmt is OutputFormat.table:
            render(res.flows, fmt, title=f"{res.name}, {res.year}: the lifted flows (USD millions)",
                   caption="before: baseline trade; normal: normal trade without the sanction; after each variant")
            for r in res.results.values():
                _show(r, fmt, top)
        else:
            render(res, fmt)


@scenario_app.command("cost")
def cost_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran)."),
    b: str = typer.Argument(..., help="Second country: name or code (RUS, Russia)."),
    change: str = typer.Option("-20%", "--change", help="Change of the iceberg trade cost, e.g. -20%."),
    year: int = YEAR_OPTION,
    sigma: float = SIGMA_OPTION,
    top: int = TOP_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: Optional[Path] = DB_OPTION,
) -> None:
    """Change the bilateral trade cost between A and B (both directions) by a percentage.

    \b
    Examples:
      tradegap scenario cost Iran Russia --change -20%
      tradegap scenario cost IRN TUR --change 10% --year 2018
    """
    from tradegap.cli.world_cmds import prepare_world
    from tradegap.views.scenarios import run_cost

    with user_errors(), opened_store(db) as store:
        prepare_world(store, None)  # the stored FTA and sanction effects (fitted once)
        res = run_cost(a, b, year=year, percent=_parse_percent(change), store=store, sigma=sigma)
        _show(res, fmt, top)


def _read_data(path: Path) -> pd.DataFrame:
    from tradegap.data.tables import read_frame

    if not path.exists():
        raise InputError(f"The scenario's data file {str(path)!r} does not exist.",
                         hint="[data] file is relative to the scenario file.")
    return read_frame(path)


@scenario_app.command("run")
def run_cmd(
    file: Path = typer.Argument(..., help="Scenario file (TOML); see `tradegap.ge.scenario`."),
    sigma: Optional[float] = typer.Option(None, "--sigma", help="Override the file's sigma."),
    trials: Optional[int] = typer.Option(None, "--trials", help="Monte Carlo trials (overrides [monte_carlo])."),
    top: int = TOP_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: Optional[Path] = DB_OPTION,
) -> None:
    """Run a TOML scenario file: its data, estimation or fixed coefficients, and changes.

    The file's layout is documented in tradegap.ge.scenario and shown by the
    examples shipped in examples/.

    \b
    Examples:
      tradegap scenario run examples/trade_without_borders.toml
      tradegap scenario run examples/nafta_removal.toml --sigma 5 --format json
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from tradegap.data.textfile import read_toml
    from tradegap.ge.scenario import parse_scenario
    from tradegap.views.scenarios import run_scenario

    with user_errors():
        d = read_toml(file)
        if sigma is not None:
            d["sigma"] = sigma
        if trials is not None:
            d.setdefault("monte_carlo", {})["trials"] = trials
        spec = parse_scenario(d)  # every key checked before any data is read
        data_spec = d.get("data", {})
        if "file" in data_spec:
            data = _read_data((file.parent / data_spec["file"]).resolve())
        elif "source" in data_spec:
            data = None  # the shipped data (e.g. source = "baci"), read by the library
        else:
            raise InputError("The scenario has no [data] file or source.",
                             hint='Add [data] file = "data/....parquet" or source = "baci".')
        if "monte_carlo" in d:
            with Progress(TextColumn("Monte Carlo"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          TimeElapsedColumn(), console=err_console, transient=True) as prog:
                task = prog.add_task("mc", total=spec.monte_carlo.trials if spec.monte_carlo else 100)
                res = run_scenario(spec, data, progress=lambda _stage, done, total: prog.update(task, completed=done))
        else:
            res = run_scenario(spec, data)
        _show(res, fmt, top)
