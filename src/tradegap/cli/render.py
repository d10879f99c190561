"""The one renderer: result objects and frames → table, JSON or CSV on stdout."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tradegap.cli.app import OutputFormat
from tradegap.errors import TradegapError, reset_face, set_face

if TYPE_CHECKING:
    import pandas as pd

    from tradegap.store import Store

console = Console()
err_console = Console(stderr=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a TradegapError into ``Error: ...`` / ``Hint: ...`` on stderr and exit code 2.

    Inside the block, the library's hints name command-line options (``--sep``), not
    Python parameters (``sep=``).
    """
    token = set_face("cli")
    try:
        yield
    except TradegapError as exc:
        from tradegap.cli.boundary import help_hint, print_error

        print_error(exc.message, exc.hint or help_hint(), console=err_console)
        # SystemExit, not typer.Exit: the console entry point runs click with standalone_mode=False,
        # where an Exit's code is returned rather than raised; SystemExit(2) reaches the shell either way.
        raise SystemExit(2) from None
    finally:
        reset_face(token)


def open_store(db: Path | None) -> Store | None:
    """The store at ``--db``, or None (the library then uses its default store)."""
    if db is None:
        return None
    from tradegap.store import Store

    return Store(db)


@contextlib.contextmanager
def opened_store(db: Path | None) -> Iterator[Store | None]:
    """:func:`open_store` for a ``with`` block: the store is closed when the block ends."""
    store = open_store(db)
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def frame_table(
    df: pd.DataFrame, title: str | None = None, caption: str | None = None, *, width: int | None = None
) -> Table:
    """A rich table of a frame that fits the terminal without cutting a number (see :mod:`.fit`).

    Columns that do not fit are left out whole and named in the caption.
    """
    from tradegap.cli.fit import fit

    fitted = fit(df, width or console.width)
    if fitted.left_out:
        more = f"not shown at this width: {', '.join(fitted.left_out)} (--format csv shows every column)"
        caption = f"{caption}; {more}" if caption else more
    table = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    for head, numeric, w in zip(fitted.headers, fitted.numeric, fitted.min_widths, strict=True):
        table.add_column(
            # min_width = the widest number, so a number never wraps; headers wrap at spaces
            escape(head), justify="right" if numeric else "left", width=w,
            overflow="fold",
        )
    for row in fitted.rows:
        table.add_row(*(escape(c) for c in row))
    return table


def render(
    obj: Any,
    fmt: OutputFormat | str = OutputFormat.table,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Print a result object (``to_frame()``/``to_dict()``) or a DataFrame.

    ``table`` prints a rich table of ``to_frame()``; ``json`` prints ``to_dict()``
    (or the frame's records); ``csv`` prints ``to_frame()`` as CSV.
    """
    fmt = OutputFormat(fmt)
    import pandas as pd

    from tradegap._json import jsonable

    frame = obj if isinstance(obj, pd.DataFrame) else obj.to_frame()
    if fmt is OutputFormat.json:
        payload = obj.to_dict() if hasattr(obj, "to_dict") and not isinstance(obj, pd.DataFrame) else frame
        sys.stdout.write(json.dumps(jsonable(payload), indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        sys.stdout.write(frame.to_csv(index=False))
    else:
        console.print(frame_table(frame, title=title, caption=caption))


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar on stderr; yields a :data:`tradegap.progress.Progress` callback
    ``(stage, done, total)``.  Disabled (drawing nothing) when ``enabled`` is false."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not enabled,
    ) as bar:
        task = bar.add_task("Starting", total=None)

        def tick(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total or None)

        yield tick
