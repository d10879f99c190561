"""Potential commands: ``brief``, ``potential`` and ``untapped``.

Each command parses its options, calls :mod:`tradegap.brief` /
:mod:`tradegap.potential` and renders the result; a
:class:`~tradegap.errors.TradegapError` becomes ``Error: ...`` / ``Hint: ...``
on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.markup import escape
from rich.rule import Rule

from tradegap.cli.app import DB_OPTION, FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import (
    console,
    err_console,
    frame_table,
    opened_store,
    progress_bar,
    render,
    user_errors,
)
from tradegap.errors import InputError

__all__ = ["brief_cmd", "potential_cmd", "print_brief", "untapped_cmd"]


if TYPE_CHECKING:
    import pandas as pd

_MAX_ROWS = 20


_MEASURES = {"structural": "structural", "size_based": "size-based", "size_based_sanctions": "size + sanctions"}


def _potential_tables(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """One complete table per direction (``IRN → RUS``), rows = the potential measures.

    Each table stands on its own — never column slices whose rows must be matched by position.
    """
    out = []
    for (ex, im), part in frame.groupby(["exporter", "importer"], sort=False):
        t = part.drop(columns=["exporter", "importer"]).copy()
        t["measure"] = t["measure"].map(lambda m: _MEASURES.get(m, str(m).replace("_", " ")))
        out.append((f"{ex} → {im}", t.reset_index(drop=True)))
    return out


def _untapped_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Untapped first, the export/import detail last (left out whole, and named, on a narrow terminal)."""
    key = [c for c in ("rank", "partner", "partner_name", "actual", "potential", "untapped", "ratio") if c in frame]
    return frame[key + [c for c in frame.columns if c not in key]]


def print_brief(brief) -> None:  # noqa: ANN001 - tradegap.brief.PairBrief
    """Print a :class:`~tradegap.brief.PairBrief` on the terminal: rich tables per section and the text."""
    console.print(Rule(f"[bold]{escape(brief.title)}[/]", style="blue"))
    console.print(f"All trade values in {brief.unit} (current prices).", style="dim", highlight=False)
    for s in brief.sections:
        style = "bold" if s.ok else "bold yellow"
        console.print()
        console.print(Rule(f"[{style}]{escape(s.title)}[/]", align="left", style="grey50"))
        for para in (p.strip() for p in s.text.split("\n\n")):
            if para:
                console.print(escape(para), style=None if s.ok else "yellow", highlight=False, soft_wrap=False)
                console.print()
        if s.frame is not None and len(s.frame.columns) and len(s.frame):
            frame = s.frame
            caption = None
            if len(frame) > _MAX_ROWS:
                caption = f"first {_MAX_ROWS} of {len(frame)} rows; --format json or --html for all"
                frame = frame.head(_MAX_ROWS)
            console.print(frame_table(frame, caption=caption))
        if s.sources:
            console.print("Sources: " + "; ".join(s.sources), style="dim", highlight=False)


BRIEF_HELP = """The pair brief: could two countries trade more, why don't they, what would change it?

Assembles trade history in both directions (IMF DOTS), where the pair ranks among
comparable partners, the structural and the size-based trade potential with
uncertainty bands, the gap explained (distance, shared sea, language, sanctions),
sanctions in force, UN General Assembly alignment beside the actual/potential
ratio, sectors and the "what planning could deliver" scenarios (FTA, sanctions
lifted, trade costs −20 %). A section whose data is missing shows why instead.

All values in USD millions. --html writes one self-contained file (charts included,
no network needed to view it).

\b
Examples:
  tradegap brief IRN RUS
  tradegap brief Iran Russia --year 2019 --html out/iran-russia-brief.html
  tradegap brief IRN RUS --format json > brief.json
"""


@app.command("brief", help=BRIEF_HELP)
def brief_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran)."),
    b: str = typer.Argument(..., help="Second country: name or code (RUS, Russia)."),
    year: int = typer.Option(2019, "--year", help="Reference year of the snapshot figures."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the brief as one self-contained HTML file."),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap._json import jsonable
    from tradegap.brief import pair_brief

    if fmt is OutputFormat.csv:
        with user_errors():
            raise InputError(
                "The brief has no CSV form (it is several tables and text).",
                hint="Use --format table or --format json, or `tradegap potential A B --format csv`.",
            )
    from tradegap.cli.world_cmds import prepare_world

    with user_errors(), opened_store(db) as store:
        if html is not None:  # before a minute of work: can the file be written at all?
            from tradegap.report.html import check_html_path

            check_html_path(html)
        prepare_world(store, year)
        with progress_bar(fmt is OutputFormat.table and err_console.is_terminal) as tick:
            result = pair_brief(a, b, year=year, store=store, progress=tick)
        path = None
        if html is not None:
            from tradegap.report.html import write_html

            path = write_html(result, html)
    if fmt is OutputFormat.json:
        payload = result.to_dict()
        if path is not None:
            payload["html"] = str(path)
        sys.stdout.write(json.dumps(jsonable(payload), indent=2, ensure_ascii=False) + "\n")
    else:
        print_brief(result)
        if path is not None:
            console.print(f"\nHTML brief written to [bold]{escape(str(path))}[/]", highlight=False)


POTENTIAL_HELP = """Actual trade against the structural and the size-based potential, both directions.

The structural potential takes each country's total trade as given: is this
pair's share of each country's trade normal for its geography? The size-based
potential asks how much they would trade if each traded like a typical economy
of its size (GDP). Both come with 90% bands (parametric bootstrap) and the specification used
(including how the fixed effects are normalized). Values in USD millions.

\b
Examples:
  tradegap potential IRN RUS --year 2019
  tradegap potential IRN RUS --year 2019 --format json
"""


@app.command("potential", help=POTENTIAL_HELP)
def potential_cmd(
    a: str = typer.Argument(..., help="First country: name or code (IRN, Iran)."),
    b: str = typer.Argument(..., help="Second country: name or code (RUS, Russia)."),
    year: int = typer.Option(2019, "--year", help="Year of the comparison."),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap.brief import pair_potential
    from tradegap.cli.world_cmds import prepare_world

    with user_errors(), opened_store(db) as store:
        prepare_world(store, year)
        result = pair_potential(a, b, year=year, store=store)
    if fmt is not OutputFormat.table:
        render(result, fmt)
        return
    for line in result.sentences:
        console.print(escape(line), highlight=False)
    console.print()
    level = _band_level(result.specification)
    band = f"{level:.0%} band" if level else "confidence band"
    console.print(f"Actual and potential trade, {result.a}–{result.b}, {year}, USD millions", style="bold",
                  highlight=False)
    for direction, table in _potential_tables(result.to_frame()):
        console.print(frame_table(table, title=direction))
    console.print(
        f"ratio = actual / potential; lower, upper = the potential's {band}; actual = CEPII BACI; "
        "specification (formulas, normalization): --format json",
        style="dim",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"[dim]Note:[/] {escape(note)}", highlight=False)


def _band_level(spec) -> float | None:  # noqa: ANN001 - nested dict from tradegap.potential
    """The first ``band_level`` found in a (nested) specification dict."""
    if isinstance(spec, dict):
        v = spec.get("band_level")
        if isinstance(v, (int, float)) and 0 < v < 1:
            return float(v)
        for x in spec.values():
            found = _band_level(x)
            if found:
                return found
    return None


UNTAPPED_HELP = """The untapped map: partners (or pairs) ranked by untapped trade (potential minus actual).

For every partner of COUNTRY: actual trade, structural potential and the
untapped value in USD millions, largest first. Partners already at or above
their potential have no untapped value. With --world (no COUNTRY): the
directed pairs of the whole world with the largest untapped value that year.
Both read the persisted world model (`tradegap build`).

\b
Examples:
  tradegap untapped RUS
  tradegap untapped Iran --top 10 --year 2018 --format csv
  tradegap untapped --world --top 50 --year 2019
"""


@app.command("untapped", help=UNTAPPED_HELP)
def untapped_cmd(
    country: Optional[str] = typer.Argument(None, help="The country (e.g. RUS, Russia); omit with --world."),
    world_map: bool = typer.Option(False, "--world", help="Rank the world's directed pairs instead of one country's partners."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="How many rows to list (default 20; 50 with --world)."),
    year: int = typer.Option(2019, "--year", help="Year of the comparison."),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap import world
    from tradegap.cli.world_cmds import prepare_world

    with user_errors(), opened_store(db) as store:
        if world_map == (country is not None):
            raise InputError(
                "Name a COUNTRY, or pass --world for the whole world's pairs (not both).",
                hint="E.g. `tradegap untapped RUS` or `tradegap untapped --world --top 50`.",
            )
        prepare_world(store, year)
        if world_map:
            result = world.world_untapped(year=year, top=top or 50, store=store)
        else:
            result = world.untapped(country, year=year, top=top or 20, store=store)
    if fmt is not OutputFormat.table:
        render(result, fmt)
        return
    frame = result.to_frame()
    if world_map:
        frame = frame.drop(columns=["exporter_name", "importer_name"])
        title = f"Largest untapped trade in the world, {result.year}: top {len(frame)} of {result.n_pairs:,} directed pairs (USD millions)"
        caption = "untapped = structural potential - actual, one direction (exporter → importer)"
    else:
        title = f"Largest untapped trade, {result.country} {result.year} (USD millions)"
        caption = "untapped = potential - actual (structural potential, both directions)"
    console.print(frame_table(_untapped_view(frame), title=title))
    console.print(caption, style="dim", highlight=False)
    for note in getattr(result, "notes", ()):
        console.print(escape(str(note)), style="dim", highlight=False)
