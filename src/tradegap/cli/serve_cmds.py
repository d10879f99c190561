"""``tradegap serve``: the web app and JSON API on a local port (needs the ``[api]`` extra)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from tradegap.cli.app import DB_OPTION, app
from tradegap.cli.render import err_console, user_errors
from tradegap.errors import InputError

SERVE_HELP = """Serve the web app and the JSON API (OpenAPI docs at /docs).

Pages, charts, world map and API docs are served from the package:
it works offline and listens only on HOST:PORT.

\b
Examples:
  tradegap serve
  tradegap serve --port 8080 --db data/trade.duckdb
  tradegap serve --host 0.0.0.0 --workers 2
"""


@app.command("serve", help=SERVE_HELP)
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", help="TCP port (1-65535)."),
    db: Path | None = DB_OPTION,
    workers: int = typer.Option(1, "--workers", help="Server processes (each keeps its own cache)."),
) -> None:
    with user_errors():
        if not 1 <= port <= 65535:
            raise InputError(f"The port must be within 1-65535. Got {port}.", hint="Use e.g. --port 8000.")
        if not 1 <= workers <= 64:
            raise InputError(f"--workers must be within 1-64. Got {workers}.", hint="Use --workers 2 on two cores.")
        if db is not None and not db.is_file():
            raise InputError(f"The store {str(db)!r} does not exist.",
                             hint="Create it with `tradegap ingest ... --db PATH`, or leave out --db.")
        try:
            import uvicorn
        except ModuleNotFoundError:
            raise InputError("The web app needs uvicorn and fastapi.",
                             hint="Install the extra: pip install 'tradegap[api]'.") from None
        if db is not None:
            os.environ["TRADEGAP_DB"] = str(db.resolve())
    err_console.print(f"tradegap: serving on http://{host}:{port}/ (API docs at /docs); Ctrl+C stops.",
                      highlight=False)
    uvicorn.run("tradegap.api.app:app", host=host, port=port, workers=workers, log_level="warning")
