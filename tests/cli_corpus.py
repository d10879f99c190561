"""Run the ``tradegap`` console entry point as a user would, and check what comes back.

Two ways, both in a child process:

* :func:`run_exe` runs the installed executable (the venv's ``tradegap`` script
  beside ``sys.executable``; ``python -m tradegap.cli`` if there is none) once;
* :func:`run_batch` runs many command lines in one child process, each through
  :func:`tradegap.cli.main` — the function the executable calls — with its own
  stdout/stderr, so a corpus of a hundred mistakes costs one interpreter start.

``PYTHONPATH`` carries this checkout's ``src`` so the child imports the code under
test (harmless where the package is installed editable from the same clone).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


@dataclass(frozen=True)
class Outcome:
    """What one command line gave: exit code, stdout and stderr."""

    args: tuple[str, ...]
    rc: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def problem(self) -> str | None:
        """Why this outcome breaks the promise (a traceback, an exit code other than 0/2), or None."""
        if "Traceback (most recent call last)" in self.text:
            return f"{self.args}: traceback\n{self.text[-3000:]}"
        if self.rc not in (0, 2):
            return f"{self.args}: exit code {self.rc}\n{self.text[-3000:]}"
        if self.rc == 2 and ("Error:" not in self.err or "Hint:" not in self.err):
            return f"{self.args}: exit 2 without 'Error: … Hint: …'\n{self.text[-3000:]}"
        return None


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["COLUMNS"] = "80"
    env["TERM"] = "dumb"
    env.pop("TRADEGAP_DEBUG", None)
    env.update(extra or {})
    return env


def executable() -> list[str]:
    """The command that starts the installed ``tradegap``."""
    script = Path(sys.executable).with_name("tradegap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tradegap.cli"]


def run_exe(*args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None) -> Outcome:
    """Run the installed executable once."""
    p = subprocess.run(
        [*executable(), *args], capture_output=True, text=True, env=_env(env), timeout=timeout, cwd=cwd
    )
    return Outcome(tuple(args), p.returncode, p.stdout, p.stderr)


_DRIVER = r"""
import contextlib, io, json, sys
from tradegap.cli import main
cases = json.load(sys.stdin)
results = []
for args in cases:
    out, err = io.StringIO(), io.StringIO()
    rc = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback
            traceback.print_exc()
            rc = 1
    results.append([rc, out.getvalue(), err.getvalue()])
sys.__stdout__.write(json.dumps(results))
"""


def run_batch(
    cases: list[list[str]], *, env: dict[str, str] | None = None, timeout: float = 600, cwd: Path | None = None
) -> list[Outcome]:
    """Run many command lines through ``tradegap.cli.main`` in one child process."""
    p = subprocess.run(
        [sys.executable, "-c", _DRIVER], input=json.dumps(cases), capture_output=True, text=True,
        env=_env(env), timeout=timeout, cwd=cwd,
    )
    if p.returncode != 0:
        raise AssertionError(f"the corpus driver died (exit {p.returncode}):\n{p.stderr[-5000:]}")
    return [Outcome(tuple(a), rc, o, e) for a, (rc, o, e) in zip(cases, json.loads(p.stdout), strict=True)]


def problems(outcomes: list[Outcome]) -> list[str]:
    """Every broken promise in a corpus run."""
    return [m for o in outcomes if (m := o.problem()) is not None]
