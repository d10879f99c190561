"""``tradegap read``: an article's countries, pair, claims and the data's answer.

Parses options, calls :func:`tradegap.article.read_file` (and, for the main
pair, :func:`tradegap.brief.pair_brief` with the claim table as a section) and
renders.  No country in the article → a message on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from tradegap.cli.app import DB_OPTION, FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import console, open_store, render, user_errors
from tradegap.coverage import BRIEF_LAST_YEAR
from tradegap.errors import InputError

__all__ = ["read_cmd"]


if TYPE_CHECKING:
    import pandas as pd

READ_HELP = """Read a news article and answer it with data.

Finds the countries the article mentions (names, demonyms, capitals, the
dateline), the pair it is about (scored from same-sentence co-mentions), and
the sentences that state or compare trade: amounts, growth, comparisons with
other partners, sectors, sanctions, neighbours, agreements, potential. Each
claim is checked against the data (IMF DOTS values ±10 %, peers, potential,
sectors, sanctions, contiguity, GE scenarios) or listed as not checkable, with
the reason. The answer comes first, from the persisted world model (`tradegap
build`); the full pair brief, with the claims as a section, follows only with
--brief or in the --html file.

FILE is a .txt or .html file, or - for standard input; the encoding is detected.

\b
Examples:
  tradegap read article.txt
  tradegap read article.txt --brief
  tradegap read page.html --year 2019 --html out/brief.html
  tradegap read article.txt --date 2022-01-14
  curl -s URL | tradegap read - --format json
"""


#: Last year complete in every dataset the brief uses (BACI 2020 lacks some pairs, e.g. Iran–Russia).


@dataclass(frozen=True)
class _ReadOutput:
    """What ``read`` prints as json (reading + brief) or csv (the claim table)."""

    reading: Any
    brief: Any
    brief_note: str

    def to_frame(self) -> pd.DataFrame:
        return self.reading.to_frame()

    def to_dict(self) -> dict[str, Any]:
        return {
            "reading": self.reading.to_dict(),
            "brief": None if self.brief is None else self.brief.to_dict(),
            "brief_note": self.brief_note,
        }


def _parse_fx(items: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items or []:
        key, sep, val = item.partition("=")
        try:
            rate = float(val)
        except ValueError:
            rate = float("nan")
        if not sep or not key.strip() or not rate > 0:
            raise InputError(
                f"Could not read the exchange rate {item!r}.",
                hint="Write --fx CUR=USD_PER_UNIT or --fx CUR:YEAR=USD_PER_UNIT, e.g. --fx EUR=1.12 --fx EUR:2019=1.12.",
            )
        out[key.strip().upper()] = rate
    return out


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"Could not read the publication date {value!r}.",
            hint="Write --date YYYY-MM-DD, e.g. --date 2022-01-14.",
        ) from None


def _brief_year(reading, year: Optional[int]) -> tuple[int, str]:
    if year is not None:
        return year, f"brief year {year} as asked"
    if reading.year is not None:
        by = min(reading.year, BRIEF_LAST_YEAR)
        note = f"brief year {by} from the article date ({reading.year_note})"
        if by != reading.year:
            note += f"; {BRIEF_LAST_YEAR} is the last year complete in every dataset the brief uses"
        return by, note
    return BRIEF_LAST_YEAR, (
        f"brief year {BRIEF_LAST_YEAR}: the article states no date, and {BRIEF_LAST_YEAR} is the last year "
        "complete in every dataset the brief uses (BACI 2020 lacks some pairs)"
    )


@app.command("read", help=READ_HELP)
def read_cmd(
    file: str = typer.Argument(..., metavar="FILE|-", help="Article file (.txt/.html) or - for stdin."),
    year: Optional[int] = typer.Option(
        None, "--year",
        help="Year for checks (default: the last complete year before publication, else the latest year with data).",
    ),
    date: Optional[str] = typer.Option(
        None, "--date", metavar="YYYY-MM-DD",
        help="Publication date (default: the page's metadata or the dateline). No data after it is used.",
    ),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the pair brief with the claims as HTML."),
    fx: Optional[list[str]] = typer.Option(
        None, "--fx", help="Exchange rate USD per unit for a currency, e.g. EUR=1.12 or EUR:2019=1.12 (repeatable)."
    ),
    brief: bool = typer.Option(
        False, "--brief/--no-brief", help="Also print the full pair brief for the main pair (always with --html)."
    ),
    skip: Optional[list[str]] = typer.Option(
        None, "--skip", help="Checks not to run, e.g. --skip scenario --skip potential (the slow ones)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    db: Optional[Path] = DB_OPTION,
) -> None:
    import pandas as pd

    from tradegap.article import read_file

    store = open_store(db)
    with user_errors():
        from tradegap.article.checks import CHECKS

        skipped = {x.strip() for item in skip or [] for x in item.split(",") if x.strip()}
        unknown = sorted(skipped - set(CHECKS))
        if unknown:
            raise InputError(
                f"The '--skip' option must name checks among {sorted(CHECKS)}. Got {unknown} instead.",
                hint="E.g. --skip scenario --skip potential.",
            )
        run = True if not skipped else [c for c in CHECKS if c not in skipped]
        if "potential" not in skipped or "potential_size" not in skipped:
            from tradegap.cli.world_cmds import prepare_world

            prepare_world(store, None)
        reading = read_file(file, year=year, date=_parse_date(date), store=store, fx=_parse_fx(fx), checks=run)
        reading.require_countries()
        pb = None
        brief_note = ""
        if (brief or html is not None) and reading.main_pair is not None:
            from tradegap.brief import pair_brief

            by, brief_note = _brief_year(reading, year)
            pb = pair_brief(*reading.main_pair, year=by, store=store, extra_sections=[reading.brief_section()])
            if html is not None:
                from tradegap.report.html import write_html

                write_html(pb, html)
        elif html is not None:
            raise InputError(
                f"No brief to write to {html}: the article names fewer than two countries.",
                hint="Drop --html, or give an article about a pair of countries.",
            )

    if fmt is not OutputFormat.table:
        render(_ReadOutput(reading, pb, brief_note), fmt)
        return
    art = reading.article
    console.print(
        f"[bold]{art.origin}[/]: {len(art.text):,} characters, {len(reading.sentences)} sentences, "
        f"encoding {art.encoding}{', HTML reduced to text' if art.was_html else ''}.",
        highlight=False,
    )
    console.print(reading.summary(), highlight=False, soft_wrap=True)
    for msg in reading.messages:
        console.print(f"[yellow]{msg}[/]", highlight=False)
    mf = reading.mentions_frame()
    if not mf.empty:
        per = (
            mf.groupby("iso3", sort=False)
            .agg(mentions=("surface", "size"), forms=("surface", lambda s: ", ".join(dict.fromkeys(s))),
                 first_at=("start", "min"))
            .reset_index()
            .sort_values("mentions", ascending=False, kind="stable")
        )
        render(per, fmt, title="Countries mentioned")
    if reading.pairs:
        render(reading.pairs_frame().head(6), fmt, title="Pairs (score = 3 × same-sentence + min mentions)")
    claims = reading.to_frame()
    if claims.empty:
        console.print("No trade claims found in the article.")
    else:
        from rich.markup import escape

        console.print("\n[bold]What the article says vs what the data show[/]", highlight=False)
        console.print(escape(f"{'#':<4}{'check':<15}{'year':<5}{'verdict':<17}quote"), highlight=False)
        for line in reading.verdict_lines():
            console.print(escape(line), highlight=False, soft_wrap=True)
        console.print()
        for r in claims.itertuples(index=False):
            colour = {"consistent": "green", "supported": "green", "not checkable": "dim", "inconsistent": "red",
                      "not supported": "red"}.get(r.verdict, "yellow")
            console.print(
                f"[bold]#{r.claim}[/] {r.kind} [{r.start}–{r.end}] “{escape(r.quote)}”", highlight=False, soft_wrap=True
            )
            line = f"   {r.check}: [{colour}]{r.verdict}[/]"
            if r.tolerance:
                line += f" (rule: {escape(r.tolerance)})"
            console.print(line, highlight=False, soft_wrap=True)
            if r.data:
                yr = "" if r.data_year is None or r.data_year is pd.NA else f", {r.data_year}"
                console.print(f"   data: {escape(r.data)} [{escape(r.source)}{yr}]", highlight=False, soft_wrap=True)
            if r.note:
                console.print(f"   note: {escape(r.note)}", highlight=False, soft_wrap=True)
    if pb is not None:
        console.print(f"\n[bold]{pb.title}[/] ({brief_note})", highlight=False)
        if pb.headline:
            console.print(pb.headline, highlight=False, soft_wrap=True)
        render(pb, fmt)
    if html is not None:
        console.print(f"HTML brief: {html}", highlight=False)
