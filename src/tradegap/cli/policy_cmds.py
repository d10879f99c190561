"""Policy commands: ``sanctions``, ``politics`` and ``sectors``.

Each command parses its options (countries by name or code through
:func:`tradegap.countries.to_iso3`), calls :mod:`tradegap.sanctions`,
:mod:`tradegap.politics` or :mod:`tradegap.sectors` and renders the result with
:func:`tradegap.cli.render.render`.  Notes (coverage, continuity, data limits) are
printed under the tables in table mode and are part of the payload in JSON mode, so
``--format json`` stays pure JSON.  A :class:`~tradegap.errors.TradegapError` becomes
``Error: ...`` / ``Hint: ...`` on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from rich.markup import escape

from tradegap.cli.app import DB_OPTION, FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import console, opened_store, progress_bar, render, user_errors
from tradegap.coverage import DATASETS
from tradegap.validation import check_pair

__all__ = ["politics_cmd", "sanctions_cmd", "sectors_cmd"]


if TYPE_CHECKING:
    import pandas as pd



# --------------------------------------------------------------------------- shared helpers


def _countries(a: str, b: Optional[str]) -> tuple[str, Optional[str]]:
    """ISO3 codes of the command's countries; both unknown names are reported in one error."""
    from tradegap.countries import to_iso3, to_iso3_many

    if b is None:
        return to_iso3(a), None
    codes = to_iso3_many([a, b])
    a3, b3 = codes[a], codes[b]
    return check_pair(a3, b3, "this command", given=(a, b))


def _years(text: Optional[str]) -> Optional[list[int]]:
    """``"2013-2022"`` / ``"2019"`` / ``"2000,2010"`` → sorted list of ints (None = default)."""
    from tradegap.store import parse_years

    ys = parse_years(text)
    return None if ys is None else list(ys)


def _notes(notes: list[str] | tuple[str, ...]) -> None:
    """Print notes under a table (table mode only)."""
    for n in notes:
        console.print(f"[dim]Note:[/] {escape(n)}", highlight=False, soft_wrap=False)


@dataclass(frozen=True)
class _View:
    """Render adapter: ``to_frame()`` for table/CSV, ``to_dict()`` (notes included) for JSON."""

    frame: pd.DataFrame = field(repr=False)
    payload: dict[str, Any] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        return self.payload


def _short(text: Any, width: int = 48) -> str:
    import pandas as pd
    s = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    return s if len(s) <= width else s[: width - 1] + "…"


# --------------------------------------------------------------------------- sanctions


class Scope(str, Enum):
    """Which sanctions ``tradegap sanctions`` lists."""

    pair = "pair"
    targets = "targets"


SANCTIONS_HELP = """Sanctions between two countries (or naming one): GSDB cases and per-year flags.

Lists the Global Sanctions Data Base (GSDB v3) cases in which one of the two
countries sanctions the other, directly or through a bloc (UN, EU, G7...), active in
the years asked; with --scope targets also every case against either country by
anyone (third-party sanctions, e.g. the US and EU sanctions on Iran, which restrict
its trade with everyone). With one country: every case naming it as sender or target.

For a pair it also shows, per year, whether a sanction of each type is in force
between the two: trade (either direction), whether a trade measure restricts
A→B or B→A exports, financial, arms, military, travel, other, any, and the number of
cases behind it.

Coverage: the shipped GSDB subset holds the cases active in {gsdb_span}, so the
flags are complete only for {gsdb_span}. Other years show as unknown (? in the table,
null in JSON), or before {gsdb_first} with --partial as a lower bound (cases that ended before
{gsdb_first} are missing).

--format csv writes the cases table; --format json writes cases, flags and notes.

\b
Examples:
  tradegap sanctions IRN RUS
  tradegap sanctions Iran Russia --scope targets --years 2014-2020
  tradegap sanctions IRN --format json
"""

_FLAG_LABELS = {
    "sanction_any": "any",
    "sanction_trade": "trade",
    "sanction_financial": "financial",
    "sanction_arms": "arms",
    "sanction_military": "military",
    "sanction_travel": "travel",
    "sanction_other": "other",
}


def _flags_display(flags: pd.DataFrame, a3: str, b3: str) -> pd.DataFrame:
    """One row per year: symmetric flags once, the flow-specific trade flag per direction."""
    import pandas as pd

    def mark(v: Any) -> str:
        return "?" if pd.isna(v) else ("yes" if int(v) else "")

    ab = flags[flags["exporter"] == a3].set_index("year")
    ba = flags[flags["exporter"] == b3].set_index("year")
    out = pd.DataFrame({"year": ab.index.astype(str)})
    for col in ("sanction_any", "sanction_trade"):
        out[_FLAG_LABELS[col]] = [mark(v) for v in ab[col]]
    out[f"trade {a3}→{b3}"] = [mark(v) for v in ab["sanction_trade_flow"]]
    out[f"trade {b3}→{a3}"] = [mark(v) for v in ba["sanction_trade_flow"]]
    for col in ("sanction_financial", "sanction_arms", "sanction_military", "sanction_travel", "sanction_other"):
        out[_FLAG_LABELS[col]] = [mark(v) for v in ab[col]]
    out["cases"] = ["?" if pd.isna(v) else str(int(v)) for v in ab["n_cases"]]
    return out


SANCTIONS_HELP = SANCTIONS_HELP.format(gsdb_span=DATASETS["gsdb"].span, gsdb_first=DATASETS["gsdb"].first)


@app.command("sanctions", help=SANCTIONS_HELP)
def sanctions_cmd(
    a: str = typer.Argument(..., help="Country: name or code (IRN, Iran)."),
    b: Optional[str] = typer.Argument(None, help="Second country (RUS, Russia); omit to list every case naming A."),
    years: str = typer.Option(
        f"{DATASETS['gsdb'].first}-{DATASETS['gsdb'].last}", "--years", "-y",
        help=f"One year (2019), a range ({DATASETS['gsdb'].first}-{DATASETS['gsdb'].last}) or a list (2014,2018)."
    ),
    scope: Scope = typer.Option(
        Scope.pair, "--scope", help="pair: cases between the two; targets: also every case against either of them."
    ),
    include_un: bool = typer.Option(
        True, "--un/--no-un", help="Count UN sanctions as sent by every UN member (GSDB's reading) or leave them out."
    ),
    partial: bool = typer.Option(
        False, "--partial", help="Before 2013, flag the cases known to be active (a lower bound) instead of 'unknown'."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap import sanctions

    with user_errors():
        result = sanctions.between(a, b, years=years, scope=scope.value, include_un=include_un, partial=partial)
    if fmt is not OutputFormat.table:
        render(result, fmt)
        return
    a3, b3, ys, flags = result.a, result.b, result.years, result.flags
    pair = f"{a3} and {b3}" if b3 else a3
    cases = result.cases
    shown = cases[["case_id", "relation", "sanctioning_state", "via", "begin", "end", "types"]].copy()
    shown["sanctioning_state"] = shown["sanctioning_state"].map(_short)
    shown = shown.rename(columns={"sanctioning_state": "sender(s)", "case_id": "case"})
    span = f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])
    if shown.empty:
        console.print(f"No GSDB case {'between ' if b3 else 'naming '}{pair} active in {span}.", highlight=False)
    else:
        render(shown, fmt, title=f"GSDB sanctions cases, {pair}, active in {span}")
    if flags is not None:
        render(
            _flags_display(flags, a3, b3),
            fmt,
            title=f"Sanctions in force between {a3} and {b3}",
            caption=f"yes = in force; ? = unknown (outside {DATASETS['gsdb'].span}); trade A→B = a trade measure restricts that flow",
        )
    _notes(result.notes)


# --------------------------------------------------------------------------- politics


class ContinuityOption(str, Enum):
    """How predecessor UN seats are filed (see tradegap.politics)."""

    successor = "successor"
    strict = "strict"


POLITICS_HELP = """Political alignment: UN General Assembly vote agreement of two countries per year.

Per year, over the roll calls on which both voted: agree (1 same vote, 0.5 one
abstains, 0 yes against no), agree_yesno (share of identical votes where both
voted yes or no), the Signorino–Ritter S score (= 2·agree − 1, from −1 to 1), and
where B ranks among all of A's partners (rank 1 = A's closest; percentile = share
of A's other partners less aligned with A than B).

Votes {unga_span} (Voeten et al.); the year is the year the session opened. A
second table gives the distance between the two states' ideal points
(Bailey–Strezhnev–Voeten, {ideal_span}) and its rank among A's partners, so the
years after the roll calls are covered too. With
--continuity successor (default) the USSR's votes count as Russia's (and SFR/FR
Yugoslavia's as Serbia's, North Yemen's as Yemen's), and a note says so; --continuity
strict keeps the seats apart (use SUN for the USSR).

\b
Examples:
  tradegap politics IRN RUS
  tradegap politics Iran Russia --years 1992-2019
  tradegap politics IRN USSR --continuity strict --years 1980-1991 --format json
  tradegap politics IRN RUS --issue hr --issue nu
  tradegap politics IRN RUS --years 2019-2023
"""


POLITICS_HELP = POLITICS_HELP.replace("{unga_span}", DATASETS["unga"].span).replace(
    "{ideal_span}", DATASETS["unga_idealpoints"].span
)


@app.command("politics", help=POLITICS_HELP)
def politics_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran); ranks are among its partners."),
    b: str = typer.Argument(..., help="Second country (RUS, Russia)."),
    years: Optional[str] = typer.Option(
        None, "--years", "-y", help="One year (2019), a range (1992-2019) or a list. Default: every year with common votes."
    ),
    continuity: ContinuityOption = typer.Option(
        ContinuityOption.successor,
        "--continuity",
        help="successor: file USSR votes under RUS (etc.); strict: keep historical seats apart.",
    ),
    issues: Optional[list[str]] = typer.Option(
        None,
        "--issue",
        help="Only roll calls on this issue (repeatable): me Palestinian conflict, nu nuclear, di disarmament, "
        "hr human rights, co colonialism, ec economic development.",
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap import politics
    from tradegap.errors import CoverageError

    with user_errors():
        a3, b3 = _countries(a, b)
        asked = _years(years)
        try:
            result = politics.alignment(a3, b3, years=asked, issues=issues or None, continuity=continuity.value)
            missing = None
        except CoverageError as exc:  # e.g. 2020–2023: beyond the roll calls, within the ideal points
            result, missing = None, exc
        try:
            ideal = None if issues else politics.ideal_distance(a3, b3, years=asked, continuity=continuity.value)
        except CoverageError:
            ideal = None
        if result is None and (ideal is None or missing is None):
            raise missing
    if result is None:
        _politics_ideal_only(ideal, missing, fmt)
        return
    notes = list(result.notes)
    table = result.table
    if continuity is ContinuityOption.strict:
        asked = _years(years)
        first = int(table["year"].min())
        for c in (result.a, result.b):
            preds = [p for p, succ in politics.SUCCESSORS.items() if succ == c]
            if preds and (asked is None or min(asked) < first):
                notes.append(
                    f"--continuity strict: {c}'s series starts with its own seat (here {first}); the votes of"
                    f" {', '.join(preds)} are not included (--continuity successor files them under {c})."
                )
    mean = result.mean()
    notes.append(
        f"Vote-weighted mean agreement over the {len(table)} year(s) shown: {mean:.3f}"
        f" ({int(table['n_common'].sum()):,} common votes)."
    )
    payload = result.to_dict()
    payload["notes"] = notes
    payload["mean_agree"] = mean
    payload["ideal_points"] = None if ideal is None else ideal.to_dict()
    view = _View(result.to_frame(), payload)
    if fmt is not OutputFormat.table:
        render(view, fmt)
        return
    shown = table.copy()
    shown["year"] = shown["year"].astype(str)
    shown = shown.rename(columns={"n_common": "votes", "n_yesno": "yes/no votes", "s_score": "S", "n_partners": "of"})
    iss = f" (issues: {', '.join(result.issues)})" if result.issues else ""
    render(
        shown,
        fmt,
        title=f"UN General Assembly vote agreement, {result.a} and {result.b}{iss}",
        caption=f"agree: 1 same vote, 0.5 one abstains, 0 yes vs no; S = 2·agree − 1; "
        f"rank of {result.b} among {result.a}'s partners (1 = closest)",
    )
    _notes(notes)
    if ideal is not None:
        _render_ideal(ideal, fmt)


def _render_ideal(ideal, fmt: OutputFormat) -> None:
    """The ideal-point table (a second measure, to 2023) in the terminal."""
    shown = ideal.table.copy()
    shown["year"] = shown["year"].astype(str)
    shown = shown.rename(columns={"ideal_a": f"ideal {ideal.a}", "ideal_b": f"ideal {ideal.b}", "n_states": "of",
                                  "agree_share": "agree (file)"})
    if shown["agree (file)"].isna().all():
        shown = shown.drop(columns=["agree (file)"])
    render(
        shown,
        fmt,
        title=f"UNGA ideal-point distance, {ideal.a} and {ideal.b} (Bailey–Strezhnev–Voeten, to 2023)",
        caption=f"distance = |ideal {ideal.a} − ideal {ideal.b}|; rank of {ideal.b} among {ideal.a}'s partners "
        "(1 = closest)",
    )
    _notes([*ideal.notes, f"Mean distance over the {len(ideal.table)} year(s) shown: {ideal.mean():.2f}."])


def _politics_ideal_only(ideal, missing, fmt: OutputFormat) -> None:
    """Years beyond the roll-call votes (2020–2023): the ideal points alone, with the reason."""
    note = (f"No roll-call agreement for these years ({missing.message}); the ideal points below reach 2023.")
    if fmt is not OutputFormat.table:
        payload = {"a": ideal.a, "b": ideal.b, "notes": [note], "years": [], "ideal_points": ideal.to_dict()}
        render(_View(ideal.to_frame(), payload), fmt)
        return
    _notes([note])
    _render_ideal(ideal, fmt)


# --------------------------------------------------------------------------- sectors


class SchemeOption(str, Enum):
    """Sector schemes (``sitc`` = the library's ``sitc_section``)."""

    sitc = "sitc"
    hs_section = "hs_section"
    hs_chapter = "hs_chapter"
    high_tech = "high_tech"


SECTORS_HELP = """A pair's trade by sector, both directions, against world patterns and a gravity benchmark.

Per sector: A→B and B→A flows, the sector's share of the pair's trade and of world
trade, each country's share of world exports and of the other's imports, and (unless
--no-fit) the flows a per-sector gravity model predicts for the pair (PPML over all
country pairs: distance, border, shared sea, language, colony, exporter and importer
effects) with actual / predicted.

The shipped data are UNCTADstat SITC sections for 2015 (--source sitc, the default),
in which aerospace cannot be isolated (aircraft sit in section 7 with cars and
computers). For HS sections, HS chapters or the high-tech groups (aerospace, ...)
ingest product-level data such as CEPII BACI HS6 (`tradegap ingest baci ...`) and use
--source baci.

\b
Examples:
  tradegap sectors IRN RUS
  tradegap sectors Iran Russia --year 2015 --no-fit --format json
  tradegap sectors IRN RUS --source baci --scheme high_tech --year 2019 --db ./trade.duckdb
  tradegap sectors IRN RUS --source baci --scheme hs_chapter --scheduler dask --workers 2

\b
On a cluster: `dask scheduler --port 8786` on one machine, `dask worker tcp://HOST:8786
--nthreads 1` on each worker (tradegap installed), then --scheduler tcp://HOST:8786.
"""


def _pct(s: pd.Series) -> pd.Series:
    return s.astype(float) * 100.0


@app.command("sectors", help=SECTORS_HELP)
def sectors_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran)."),
    b: str = typer.Argument(..., help="Second country (RUS, Russia)."),
    year: Optional[int] = typer.Option(
        None, "--year", help="Year; default the latest in the data (2015 for the shipped SITC sections)."
    ),
    scheme: Optional[SchemeOption] = typer.Option(
        None,
        "--scheme",
        help="Sectors: sitc (SITC sections), hs_section (21), hs_chapter (96), high_tech (Eurostat groups incl. "
        "aerospace). Default: sitc for SITC data, hs_section for HS data.",
    ),
    source: str = typer.Option(
        "sitc", "--source", "-s", help="Product-level flows: sitc (shipped, 2015) or an ingested source (e.g. baci)."
    ),
    fit: bool = typer.Option(True, "--fit/--no-fit", help="Fit the per-sector gravity benchmark (a few seconds per sector)."),
    scheduler: str = typer.Option(
        "serial",
        "--scheduler",
        help="Where the sector fits run: serial, processes (local pool), dask (local Dask cluster) or "
        "tcp://HOST:PORT (a running `dask scheduler`).",
    ),
    workers: Optional[int] = typer.Option(
        None, "--workers", help="Parallel workers for processes/dask (default: the CPU cores)."
    ),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap.views import sectors

    lib_scheme = None if scheme is None else ("sitc_section" if scheme is SchemeOption.sitc else scheme.value)
    with user_errors(), opened_store(db) as store, progress_bar(fmt is OutputFormat.table) as tick:
        result = sectors.pair_sectors(
            a, b, year=year, store=store, source=source, scheme=lib_scheme, fit=fit,
            scheduler=scheduler, workers=workers, progress=tick,
        )
    if fmt is not OutputFormat.table:
        render(result, fmt)
        return
    _render_sectors(result, fit)


def _render_sectors(result, fit: bool) -> None:
    """The ``sectors`` tables in the terminal: flows and composition, the benchmark, the shares."""
    import pandas as pd

    fmt = OutputFormat.table
    t = result.table
    A, B = result.a, result.b
    unit = f"{result.unit} {result.scale}".strip()
    main = pd.DataFrame(
        {
            "sector": t["sector"],
            "name": t["name"],
            f"{A}→{B}": t["a_to_b"],
            f"{B}→{A}": t["b_to_a"],
            "pair %": _pct(t["pair_composition"]),
            "world %": _pct(t["world_composition"]),
        }
    )
    render(
        main,
        fmt,
        title=f"{A}–{B} trade by sector, {result.year} ({result.source}, {result.scheme}), {unit}",
        caption="pair % = sector's share of the pair's two-way trade; world % = its share of world trade",
    )
    if fit:
        bench = pd.DataFrame(
            {
                "sector": t["sector"],
                f"{A}→{B}": t["a_to_b"],
                f"pred {A}→{B}": t["predicted_a_to_b"],
                "act/pred": t["ratio_a_to_b"],
                f"{B}→{A}": t["b_to_a"],
                f"pred {B}→{A}": t["predicted_b_to_a"],
                "act/pred ": t["ratio_b_to_a"],
            }
        )
        render(
            bench,
            fmt,
            title=f"Actual vs gravity prediction, {unit}",
            caption="pred = per-sector PPML gravity fit; act/pred < 1: the pair trades less than comparable pairs",
        )
    shares = pd.DataFrame(
        {
            "sector": t["sector"],
            f"{A} % world exports": _pct(t["a_share_world_exports"]),
            f"{A} % of {B} imports": _pct(t["a_share_in_b_imports"]),
            f"{B} % world exports": _pct(t["b_share_world_exports"]),
            f"{B} % of {A} imports": _pct(t["b_share_in_a_imports"]),
        }
    )
    render(
        shares,
        fmt,
        title="Shares by sector, %",
        caption="a country's share of the partner's imports above its share of world exports: the pair trades "
        "more than world patterns suggest",
    )
    _notes(result.notes)
