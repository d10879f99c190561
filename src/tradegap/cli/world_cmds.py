"""The ``build`` command and the progress shown whenever a command builds the world model.

``tradegap build`` computes the world model of the store's data ahead (the one-time fit of every
pair); any command that needs a model that is not built yet builds it the same way, through
:func:`world_progress`: one line saying how long it will take, then a bar stage by stage with ETA
(on a terminal), or one line per stage (in logs and pipes).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from tradegap.cli.app import DB_OPTION, FORMAT_OPTION, OutputFormat, app
from tradegap.cli.render import console, err_console, opened_store, user_errors

__all__ = ["build_cmd", "prepare_world", "world_progress"]


@contextlib.contextmanager
def world_progress(*, transient: bool = True) -> Iterator[tuple[Callable[[str, float, float], None],
                                                               Callable[[str], None]]]:
    """``(progress, notify)`` callbacks for :func:`tradegap.world.ensure`, drawn on stderr.

    Nothing is drawn unless a build actually starts.  On a terminal: a rich bar (stage, percent,
    elapsed, ETA); elsewhere: one line per stage with the elapsed time.
    """
    state: dict[str, object] = {"bar": None, "task": None, "stage": None, "t0": time.perf_counter()}
    tty = err_console.is_terminal

    def notify(message: str) -> None:
        bar = state["bar"]
        (bar.console if bar is not None else err_console).print(escape(message), style="dim", highlight=False)

    def progress(stage: str, done: float, total: float) -> None:
        if tty:
            if state["bar"] is None:
                from rich.progress import (
                    BarColumn,
                    Progress,
                    SpinnerColumn,
                    TaskProgressColumn,
                    TextColumn,
                    TimeElapsedColumn,
                    TimeRemainingColumn,
                )

                bar = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                               TaskProgressColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                               TimeRemainingColumn(), console=err_console, transient=transient)
                bar.start()
                state["bar"], state["task"] = bar, bar.add_task(stage, total=total)
            state["bar"].update(state["task"], description=stage, completed=done, total=total)
        elif stage != state["stage"]:
            err_console.print(f"  [{time.perf_counter() - state['t0']:5.1f} s] {stage} …", highlight=False)
        state["stage"] = stage

    try:
        yield progress, notify
    finally:
        if state["bar"] is not None:
            state["bar"].stop()


def prepare_world(store: object, year: int | None) -> None:
    """Build the world model whose sample ends in ``year`` if it is missing, with the bar and one line on how
    long it takes, and seed the result cache with its stored scenario coefficients; a year outside the
    coverage is left to the command's own message."""
    from tradegap.coverage import DATASETS

    lo, hi = DATASETS["baci"].usable
    if year is not None and not lo <= int(year) <= hi:
        return
    from tradegap import world

    with world_progress() as (progress, notify):
        world.prime(store, year, sectors=False, progress=progress, notify=notify)


BUILD_HELP = """Build the world model: every pair's potentials, fitted once for this data.

Fits the structural (two-stage) and size-based gravity models on all
countries, and stores in the DuckDB store, keyed by the data's fingerprint,
the potentials with 90% bands for every directed pair and year, the gap
split and decomposition inputs, the GE baselines and coefficients the
scenarios use, and country totals and ranks. `potential`, `untapped`, `brief`
and `read` then read rows instead of fitting (seconds instead of a minute).

Runs once per dataset: a command that needs the model builds it if it is
missing, and `tradegap ingest` changes the fingerprint, so the next question
rebuilds it (never a stale answer). Without --db the model of the embedded
data is kept in the user data dir ($TRADEGAP_DB overrides it).

\b
Examples:
  tradegap build
  tradegap build --year 2015          # the models whose sample ends in 2015
  tradegap build --db my.duckdb --rebuild
"""


@app.command("build", help=BUILD_HELP)
def build_cmd(
    year: Optional[int] = typer.Option(None, "--year", help="Terminal year of the models (default: the latest covered)."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Build again even if a complete model exists."),
    db: Optional[Path] = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    from tradegap import world

    t0 = time.perf_counter()
    with user_errors(), opened_store(db) as store:
        spec = world.default_spec("baci", year)
        with world_progress(transient=False) as (progress, notify):
            wm = world.ensure(store, spec, progress=progress, notify=notify, rebuild=rebuild)
        info = world.model.describe(wm)
    info["built_now"] = wm.built_now
    info["seconds"] = round(time.perf_counter() - t0, 2)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(info, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write("table,rows\n" + "".join(f"{k},{v}\n" for k, v in info["tables"].items()))
        return
    rows = sum(info["tables"].values())
    verb = "Built" if wm.built_now else "Already built"
    console.print(
        f"{verb}: world model {escape(wm.spec.key)} of data {wm.fingerprint[:12]} — {rows:,} rows in "
        f"{len(info['tables'])} tables, {escape(wm.path)} ({info['seconds']:.1f} s).",
        highlight=False,
    )
