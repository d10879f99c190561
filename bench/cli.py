"""Benchmark: each CLI command as a fresh process on the embedded data, new tree against the old one.

For each command the *new* tree (this checkout) is timed as a fresh ``tradegap`` process after the
one-time world-model build, ``--runs`` times (median printed); the build itself is timed with its
peak RSS.  The *old* figures come from the same run: the previous commit (``--old``, default
4a00811, before the world model) is checked out with ``git worktree add`` into a temporary folder
and the same commands are timed there (``--old-runs`` times each; every old run refits the world,
so one run is representative and three take long).  Each tree uses its own empty default store in a
temporary folder, so only the embedded data is used.  Bytecode is cached as Python does by default
(``PYTHONDONTWRITEBYTECODE`` is dropped from the environment; the build run writes the caches).

Peak RSS per process comes from ``os.wait4``.  Targets are those of the issue, on 2 cores.

Run: ``python bench/cli.py`` (``--skip-old`` to time the new tree only; ``--runs 3``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "tests/data/articles/iran-russia-ties-2022.txt"

#: (label, arguments, target seconds or None, runs on the old tree too)
COMMANDS: list[tuple[str, list[str], float | None, bool]] = [
    ("--help", ["--help"], 0.5, True),
    ("trade IRN RUS", ["trade", "IRN", "RUS"], 1.5, True),
    ("peers RUS IRN", ["peers", "RUS", "IRN", "--year", "2019"], 1.5, True),
    ("potential IRN RUS", ["potential", "IRN", "RUS", "--year", "2019"], 1.5, True),
    ("untapped RUS", ["untapped", "RUS"], 1.5, True),
    ("untapped --world --top 50", ["untapped", "--world", "--top", "50"], 1.5, False),
    ("brief IRN RUS", ["brief", "IRN", "RUS", "--year", "2019"], 3.0, True),
    ("brief IRN RUS --html", ["brief", "IRN", "RUS", "--year", "2019", "--html", "{tmp}/brief.html"], 3.0, True),
    ("read (seed article)", ["read", ARTICLE], 3.0, True),
    ("scenario fta IRN RUS", ["scenario", "fta", "IRN", "RUS"], 2.0, True),
]
BUILD_TARGET = 90.0


def run(tree: Path, args: list[str], env: dict[str, str], tmp: Path,
        timeout: float) -> tuple[float, float, int, str, float]:
    """One fresh process: (wall seconds, peak RSS MiB, exit code, last stderr line, CPU seconds)."""
    cmd = [sys.executable, "-c", "import sys; from tradegap.cli import main; sys.argv[0] = 'tradegap'; main()",
           *[a.format(tmp=tmp) for a in args]]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=tree, env={**env, "PYTHONPATH": str(tree / "src")}, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    try:
        err = p.stderr.read() if p.stderr is not None else ""
        _, status, usage = os.wait4(p.pid, 0)  # this child's own peak RSS
    finally:
        timer.cancel()
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    last = (err or "").strip().splitlines()[-1:] or [""]
    return wall, rss, p.returncode, last[0][:100], cpu


def env_for(home: Path) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE dropped: a user's Python caches bytecode (pip compiles it at install), so
    # the timed runs, like a user's second command, do not recompile the package's modules each time
    env = {k: v for k, v in os.environ.items() if k not in ("TRADEGAP_DB", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env.update({"TRADEGAP_DB": str(home / "store.duckdb"), "XDG_DATA_HOME": str(home), "COLUMNS": "80",
                "OPENBLAS_NUM_THREADS": env.get("OPENBLAS_NUM_THREADS", "1")})
    return env


def time_tree(tree: Path, home: Path, runs: int, tmp: Path, old: bool, timeout: float) -> dict[str, list]:
    env = env_for(home)
    out: dict[str, list] = {}
    for label, args, _target, on_old in COMMANDS:
        if old and not on_old:
            continue
        res = [run(tree, args, env, tmp, timeout) for _ in range(runs)]
        out[label] = res
        walls = ", ".join(f"{r[0]:.2f} (cpu {r[4]:.2f})" for r in res)
        bad = [r for r in res if r[2] != 0]
        print(f"  {'old' if old else 'new'} {label:28s} {walls} s" + (f"  (exit {bad[0][2]}: {bad[0][3]})" if bad else ""),
              flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per command on the new tree")
    ap.add_argument("--old", default="4a00811", help="the commit to compare against")
    ap.add_argument("--old-runs", type=int, default=1, help="fresh processes per command on the old tree")
    ap.add_argument("--skip-old", action="store_true", help="time the new tree only")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per process")
    a = ap.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory(prefix="tradegap-bench-") as d:
        tmp = Path(d)
        new_home, old_home = tmp / "new-home", tmp / "old-home"
        new_home.mkdir()
        old_home.mkdir()
        print("Building the world model (new tree, fresh store) …", flush=True)
        wall, rss, rc, last, cpu = run(ROOT, ["build"], env_for(new_home), tmp, a.timeout)
        print(f"  build: {wall:.1f} s (cpu {cpu:.1f} s), peak RSS {rss:,.0f} MiB, exit {rc} {last if rc else ''}",
              flush=True)
        build = (wall, rss, rc, cpu)
        new = time_tree(ROOT, new_home, a.runs, tmp, False, a.timeout)
        old: dict[str, list] = {}
        if not a.skip_old:
            old_tree = tmp / "old-tree"
            subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(old_tree), a.old], cwd=ROOT, check=True)
            try:
                old = time_tree(old_tree, old_home, a.old_runs, tmp, True, a.timeout)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, check=False)
                shutil.rmtree(old_tree, ignore_errors=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at end")
    print("\nwall = elapsed seconds (median of the runs); cpu = user + system seconds of that process (what the")
    print("command costs on an idle machine, whatever the load); speed-up = old wall / new wall, same run.")
    print(f"\n{'command':28s} {'new wall':>9s} {'new cpu':>8s} {'target':>7s} {'ok':>3s} {'peak MiB':>9s} "
          f"{'old ' + a.old[:7]:>12s} {'old cpu':>8s} {'speed-up':>9s}")
    ok_all = True
    for label, _args, target, _ in COMMANDS:
        res = new[label]
        med = statistics.median(r[0] for r in res)
        cpu = statistics.median(r[4] for r in res)
        ok = all(r[2] == 0 for r in res) and (target is None or med <= target)
        ok_all &= ok
        o = old.get(label)
        omed = statistics.median(r[0] for r in o) if o else None
        ocpu = statistics.median(r[4] for r in o) if o else None
        print(f"{label:28s} {med:8.2f}s {cpu:7.2f}s {target or 0:6.1f}s {'yes' if ok else 'NO':>3s} "
              f"{max(r[1] for r in res):9,.0f} "
              + (f"{omed:11.2f}s {ocpu:7.2f}s {omed / med:8.1f}×" if omed else f"{'—':>12s}"))
    bok = build[2] == 0 and build[0] <= BUILD_TARGET
    ok_all &= bok
    print(f"{'build (one time)':28s} {build[0]:8.2f}s {build[3]:7.2f}s {BUILD_TARGET:6.1f}s {'yes' if bok else 'NO':>3s} "
          f"{build[1]:9,.0f}")
    print("\nall targets met" if ok_all else "\nsome targets missed (see 'ok')")


if __name__ == "__main__":
    main()
