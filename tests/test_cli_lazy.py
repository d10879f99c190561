"""``tradegap --help`` imports no numerical library (the CLI imports them inside its commands)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("pandas", "numpy", "scipy", "numba", "duckdb", "pyarrow", "matplotlib")


def test_help_imports_no_numerical_library():
    code = (
        "import sys, json\n"
        "from tradegap.cli import main\n"
        "sys.argv = ['tradegap', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "80"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert "Usage" in out.stdout
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`tradegap --help` imported {loaded}"
