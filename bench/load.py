"""Load test of the web app: 50 concurrent clients on 127.0.0.1 for 30 s against cached answers.

Starts ``tradegap serve`` (``--workers`` processes) on a free local port, warms the cache of every
worker with the URLs below (a mix of pairs on /api/potential, /api/brief, /api/trade and /api/peers,
and the pages), then runs ``--clients`` closed-loop clients for ``--duration`` seconds (each with a
keep-alive HTTP/1.1 connection, asyncio, stdlib only) and prints p50/p95/p99 latency, throughput and
errors per endpoint; then the same clients against /api/health alone for the latency floor of the
server itself.  Stops by itself and stops the server.  Target: p95 < 100 ms, 0 errors.

    python bench/load.py                      # 50 clients, 30 s, 2 workers
    python bench/load.py --clients 20 --duration 10 --workers 1
    python bench/load.py --url http://127.0.0.1:8000   # a server already running (`tradegap serve`)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

PAIRS = [("IRN", "RUS"), ("DEU", "FRA"), ("CHN", "USA"), ("KAZ", "RUS")]
YEAR = 2019


def targets() -> list[tuple[str, str]]:
    """(group, path) for the mixed phase."""
    out: list[tuple[str, str]] = []
    for a, b in PAIRS:
        out += [
            ("/api/potential", f"/api/potential/{a}/{b}?year={YEAR}"),
            ("/api/brief", f"/api/brief/{a}/{b}?year={YEAR}"),
            ("/api/trade", f"/api/trade/{a}/{b}"),
            ("/api/peers", f"/api/peers/{a}/{b}?year={YEAR}"),
            ("page /pair", f"/pair/{a}/{b}?year={YEAR}"),
        ]
    out += [("page /", "/"), ("page /static/app.js", "/static/app.js"), ("/api/countries", "/api/countries?q=ira")]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, seconds: float) -> bool:
    """True once /api/health answers 200 (within ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def start_server(port: int, workers: int) -> subprocess.Popen:
    exe = shutil.which("tradegap", path=str(Path(sys.executable).parent)) or shutil.which("tradegap")
    cmd = [exe, "serve", "--port", str(port), "--workers", str(workers)] if exe else [
        sys.executable, "-m", "uvicorn", "tradegap.api.app:app", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    if wait_healthy(port, 60):
        return proc
    stop_server(proc)
    raise SystemExit("the server did not start within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def warm(port: int, paths: list[str], workers: int) -> float:
    """Request every path until each worker has it cached (a worker's first request may take minutes)."""
    t0 = time.monotonic()
    for path in paths:
        for _ in range(4 * workers):  # connections are spread over the workers by the kernel
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=900) as r:
                r.read()
    return time.monotonic() - t0


class Client:
    """One keep-alive HTTP/1.1 connection (stdlib asyncio streams)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            if k.lower() == "content-length":
                length = int(v)
            elif k.lower() == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def run_phase(port: int, mix: list[tuple[str, str]], clients: int, duration: float) -> dict:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    deadline = time.monotonic() + duration

    async def one(seed: int) -> None:
        rng = random.Random(seed)
        c = Client(port)
        try:
            while time.monotonic() < deadline:
                group, path = rng.choice(mix)
                t = time.perf_counter()
                try:
                    status = await asyncio.wait_for(c.get(path), timeout=30)
                except (TimeoutError, OSError, ConnectionError, ValueError, asyncio.IncompleteReadError):
                    errors[group] += 1
                    c.close()
                    continue
                lat[group].append(time.perf_counter() - t)
                if status != 200:
                    errors[group] += 1
        finally:
            c.close()

    t0 = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(clients)))
    return {"lat": lat, "errors": errors, "wall": time.monotonic() - t0}


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))] * 1000


def report(title: str, res: dict) -> tuple[float, int]:
    print(f"\n{title}")
    print(f"{'endpoint':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}")
    allx: list[float] = []
    for group in sorted(res["lat"]):
        xs = res["lat"][group]
        allx += xs
        print(f"{group:<22}{len(xs):>9}{len(xs) / res['wall']:>8.0f}{pct(xs, 50):>8.1f}{pct(xs, 95):>8.1f}"
              f"{pct(xs, 99):>8.1f}{res['errors'].get(group, 0):>7}")
    n_err = sum(res["errors"].values())
    print(f"{'all':<22}{len(allx):>9}{len(allx) / res['wall']:>8.0f}{pct(allx, 50):>8.1f}{pct(allx, 95):>8.1f}"
          f"{pct(allx, 99):>8.1f}{n_err:>7}")
    return pct(allx, 95), n_err


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    ap.add_argument("--workers", type=int, default=2, help="server processes")
    ap.add_argument("--port", type=int, default=0, help="default: a free port")
    ap.add_argument("--url", default=None, help="use this running server (http://127.0.0.1:PORT) instead of starting one")
    args = ap.parse_args()
    if not (1 <= args.clients <= 1000 and 1 <= args.duration <= 600 and 1 <= args.workers <= 16):
        raise SystemExit("--clients 1-1000, --duration 1-600, --workers 1-16")
    if args.url is not None:
        if not args.url.startswith("http://127.0.0.1:"):
            raise SystemExit("--url must be http://127.0.0.1:PORT (the load test stays on this machine)")
        port = int(args.url.rstrip("/").rsplit(":", 1)[1])
    else:
        port = args.port or free_port()
    print(f"tradegap load test: {args.clients} clients, {args.duration:.0f} s per phase, "
          f"{'a running server' if args.url else f'{args.workers} worker(s)'}, 127.0.0.1:{port}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.url is not None and not wait_healthy(port, 30):
        raise SystemExit(f"no tradegap server answers at {args.url} (start one with `tradegap serve`)")
    proc = None if args.url is not None else start_server(port, args.workers)
    try:
        mix = targets()
        took = warm(port, sorted({p for _g, p in mix}), args.workers)
        print(f"cache warmed in {took:.1f} s ({len(PAIRS)} pairs, {len(mix)} URLs, every worker)")
        mixed = asyncio.run(run_phase(port, mix, args.clients, args.duration))
        p95, n_err = report("Cached answers and pages (mixed)", mixed)
        floor = asyncio.run(run_phase(port, [("/api/health", "/api/health")], args.clients, args.duration))
        fp95, f_err = report("Latency floor: /api/health only", floor)
    finally:
        if proc is not None:
            stop_server(proc)
    ok = p95 < 100 and n_err == 0
    print(f"\nmixed p95 {p95:.1f} ms (target < 100 ms), errors {n_err} (target 0); health floor p95 {fp95:.1f} ms, "
          f"errors {f_err}: {'PASS' if ok else 'FAIL'}  (load average now {os.getloadavg()[0]:.1f})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
