"""A warning raised by a fit inside ``potential`` reaches the result's notes and the CLI output."""

from __future__ import annotations

import json
import warnings

from typer.testing import CliRunner

from tradegap.cache import CACHE
from tradegap.cli import app, load_commands
from tradegap.errors import DroppedObservationsWarning
from tradegap.fitnotes import collect_warnings, is_warning_note
from tradegap.views import potential as potential_view

load_commands()
runner = CliRunner()
MESSAGE = "synthetic: 7 observations separated by fixed effects were dropped"


def test_collect_warnings_records_instead_of_silencing():
    notes: list[str] = []
    with collect_warnings(notes):
        warnings.warn(MESSAGE, DroppedObservationsWarning, stacklevel=1)
        warnings.warn(MESSAGE, DroppedObservationsWarning, stacklevel=1)
    assert notes == [f"Warning (DroppedObservationsWarning): {MESSAGE}"] and is_warning_note(notes[0])


def test_fit_warning_reaches_potential_notes_and_cli(monkeypatch):
    real = potential_view.two_stage

    def warning_two_stage(*args, **kwargs):
        warnings.warn(MESSAGE, DroppedObservationsWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(potential_view, "two_stage", warning_two_stage)
    CACHE.clear()  # a model cached by another test would not run the fit
    try:
        res = potential_view.structural("IRN", "RUS", years=[2019])
        assert any(MESSAGE in n for n in res.notes), res.notes
        # The CLI reads the persisted world model: the warnings its fits raised when it was built are
        # stored with the rows and shown (here: the observations PPML dropped for separation).
        r = runner.invoke(app, ["potential", "IRN", "RUS", "--year", "2019"], env={"COLUMNS": "80"})
        assert r.exit_code == 0, r.output
        flat = " ".join(r.output.split())  # rich wraps at 80 columns
        assert "Note: structural potential: Warning (DroppedObservationsWarning): fepois dropped" in flat
        j = runner.invoke(app, ["potential", "IRN", "RUS", "--year", "2019", "--format", "json"])
        assert any("DroppedObservationsWarning" in n for n in json.loads(j.stdout)["notes"])
    finally:
        CACHE.clear()  # the models fitted here carry the synthetic warning
