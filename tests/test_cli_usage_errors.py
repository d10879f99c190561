"""Usage errors through the real entry point: a message and a hint, exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-c", "from tradegap.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_unknown_top_level_command_names_the_group_that_has_it():
    r = _run("fta", "DEU", "FRA")
    out = r.stdout + r.stderr
    assert r.returncode == 2, out
    assert "Traceback" not in out
    assert "No such command 'fta'" in out and "tradegap scenario fta" in out


def test_unknown_command_without_a_group_points_to_help():
    r = _run("nonsense")
    out = r.stdout + r.stderr
    assert r.returncode == 2 and "Traceback" not in out and "tradegap --help" in out
