"""The typer application object shared by every command module.

Command modules (``tradegap.cli.*_cmds``) import :data:`app` and decorate their
commands onto it; they only parse options, call the library and render.
"""

from __future__ import annotations

from enum import Enum

import typer

app = typer.Typer(
    name="tradegap",
    help=(
        "How much more could two countries trade, why don't they, and what would change it?\n\n"
        "Works offline on the data shipped with the package (IMF DOTS, CEPII BACI totals, WDI, "
        "CEPII GeoDist, UNGA votes, GSDB sanctions); add your own with `tradegap ingest`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    """The one output-format option shared by every command."""

    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(
    OutputFormat.table, "--format", "-f", help="Output: a table for people, json or csv for scripts."
)
DB_OPTION = typer.Option(
    None,
    "--db",
    help="DuckDB store to use (default: the user data dir, or $TRADEGAP_DB). "
    "Without ingested data the embedded dataset is used.",
)
